import { OutboundError } from "../errors/index.js";
import type { Clock, ClockTimer } from "./clock.js";
import { Deque } from "./deque.js";

interface Waiter {
  bytes: number;
  resolve(): void;
  reject(error: OutboundError): void;
  timer: ClockTimer | undefined;
  done: boolean;
}

/**
 * The producer's bounded buffer, measured in bytes. Space is granted first come, first served,
 * so a large message waiting for room is not starved by small ones behind it.
 */
export class BufferPool {
  private used = 0;
  private readonly waiters = new Deque<Waiter>();

  constructor(
    readonly maxBytes: number,
    private readonly clock: Clock,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes space now if it is free and nobody is queued for it. */
  tryReserve(bytes: number): boolean {
    if (this.waiters.length === 0 && this.used + bytes <= this.maxBytes) {
      this.used += bytes;
      return true;
    }
    return false;
  }

  /** Waits up to `maxBlockMs` for space; rejects with BUFFER_FULL after that. */
  reserve(bytes: number, maxBlockMs: number): Promise<void> {
    if (this.tryReserve(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, timer: undefined, done: false };
      waiter.timer = this.clock.setTimeout(() => {
        if (waiter.done) return;
        waiter.done = true;
        reject(
          new OutboundError(
            "BUFFER_FULL",
            `buffer full: no room for ${bytes} bytes within maxBlockMs (${maxBlockMs} ms); ${this.used} of ${this.maxBytes} bytes in use`,
          ),
        );
        this.grant();
      }, maxBlockMs);
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
    if (this.waiters.length > 0) this.grant();
  }

  private grant(): void {
    for (let w = this.waiters.peek(); w !== undefined; w = this.waiters.peek()) {
      if (w.done) {
        this.waiters.shift();
        continue;
      }
      if (this.used + w.bytes > this.maxBytes) return;
      this.waiters.shift();
      w.done = true;
      this.clock.clearTimeout(w.timer);
      this.used += w.bytes;
      w.resolve();
    }
  }

  /** Fails every waiter, for close(). */
  rejectAll(error: OutboundError): void {
    for (const w of this.waiters.drainAll()) {
      if (w.done) continue;
      w.done = true;
      this.clock.clearTimeout(w.timer);
      w.reject(error);
    }
  }
}
