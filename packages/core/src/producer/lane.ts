import type { Clock, ClockTimer } from "./clock.js";
import { Deque } from "./deque.js";
import type { PendingRecord } from "./pending.js";

/**
 * The queue for one topic and partition. Batches are cut from its head; retried records go
 * back to its head, and the lane waits out their backoff before anything behind them is sent,
 * which is what keeps per-key order under retries.
 */
export class Lane {
  readonly queue = new Deque<PendingRecord>();
  queuedBytes = 0;
  inFlight = 0;
  /** `clock.now()` before which nothing is sent (retry backoff). */
  retryAt = 0;
  wakeTimer: ClockTimer | undefined;
  wakeAt = 0;
  scheduled = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly clock: Clock,
  ) {}

  push(p: PendingRecord): void {
    this.queue.push(p);
    this.queuedBytes += p.sizeBytes;
  }

  shift(): PendingRecord | undefined {
    const p = this.queue.shift();
    if (p) this.queuedBytes -= p.sizeBytes;
    return p;
  }

  requeueFront(items: PendingRecord[]): void {
    this.queue.unshiftAll(items);
    for (const p of items) this.queuedBytes += p.sizeBytes;
  }

  clearWake(): void {
    if (this.wakeTimer) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = 0;
  }
}
