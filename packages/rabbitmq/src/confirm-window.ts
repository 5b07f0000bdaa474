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

  /** Resolves once a slot is free; rejects with `TIMEOUT` if `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<void> {
    while (this.inUse >= this.size) {
      await this.waitForSlot(signal);
    }
    this.inUse += 1;
    if (this.inUse > this.highWater) this.highWater = this.inUse;
  }

  release(): void {
    if (this.inUse > 0) this.inUse -= 1;
    this.waiters.shift()?.();
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
