/**
 * A transport's connect step, run once for every caller: callers that arrive while it runs share
 * it, and once it has succeeded it is not run again. A failure is not remembered, so the next call
 * tries afresh (a broker that was down at start-up may be up a moment later) instead of every
 * later send inheriting one stale rejection.
 */
export class ConnectOnce {
  readonly #connect: () => Promise<void>;
  #attempt: Promise<void> | undefined;
  #unsettled: Promise<void> | undefined;

  constructor(connect: () => Promise<void>) {
    this.#connect = connect;
  }

  run(): Promise<void> {
    if (this.#attempt) return this.#attempt;
    const attempt = this.#connect().then(
      () => {
        this.#unsettled = undefined;
      },
      (error: unknown) => {
        this.#attempt = undefined;
        this.#unsettled = undefined;
        throw error;
      },
    );
    this.#attempt = attempt;
    this.#unsettled = attempt;
    return attempt;
  }

  /** The attempt while it is still under way, so close() can choose not to wait it out. */
  get inProgress(): Promise<void> | undefined {
    return this.#unsettled;
  }
}
