/**
 * A transport's connect step, run once for every caller: callers that arrive while it runs share
 * it, and once it has succeeded it is not run again. A failure is not remembered, so the next call
 * tries afresh (a broker that was down at start-up may be up a moment later) instead of every
 * later send inheriting one stale rejection.
 */
export class ConnectOnce {
  readonly #connect: () => Promise<void>;
  #attempt: Promise<void> | undefined;

  constructor(connect: () => Promise<void>) {
    this.#connect = connect;
  }

  run(): Promise<void> {
    this.#attempt ??= this.#connect().catch((error: unknown) => {
      this.#attempt = undefined;
      throw error;
    });
    return this.#attempt;
  }
}
