import { OutboundError } from "@outbound/core";

/**
 * Counts publishes the broker has not confirmed yet and makes the next publish wait while the
 * count is at the limit. Without it amqplib buffers without bound and a slow broker turns into
 * memory growth instead of backpressure.
 */
export class ConfirmWindow {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];
  private highWater = 0;

  constructor(readonly size: number) {}

  /** Unconfirmed publishes right now. */
  get outstanding(): number {
    return this.inUse;
  }

  /** The most publishes ever outstanding at once; tests use it to prove the bound holds. */
  get peak(): number {
    return this.highWater;
  }

  /**
   * Takes a slot if one is free right now. Publishing a batch calls this first so that a window with
   * room costs no promise per record; only a full window falls back to {@link acquire}.
   */
  tryAcquire(): boolean {
    // Waiters go first (a slot freed while someone waits is already theirs).
    if (this.inUse >= this.size || this.waiters.length > 0) return false;
    this.take();
    return true;
  }

  /** Resolves once a slot is free; rejects with `TIMEOUT` if `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return;
    // Resolves holding the slot that `release` handed over.
    await this.waitForSlot(signal);
  }

  release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the oldest waiter, so nobody can take it in between.
    if (next) next();
    else if (this.inUse > 0) this.inUse -= 1;
  }

  private take(): void {
    this.inUse += 1;
    if (this.inUse > this.highWater) this.highWater = this.inUse;
  }

  private waitForSlot(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortedWaiting());
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(wake);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(abortedWaiting());
      };
      this.waiters.push(wake);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

function abortedWaiting(): OutboundError {
  // Nothing was written yet, so the record can be sent again without risk of a duplicate.
  return new OutboundError("TIMEOUT", "gave up waiting for room in the confirm window", {
    transport: "rabbitmq",
    kind: "retriable",
  });
}
