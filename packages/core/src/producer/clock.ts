/** A timer the engine armed: Node's own `Timeout`, or a fake clock's. */
export interface ClockTimer {
  /** Whether the timer keeps the process alive (Node's `hasRef`). */
  hasRef(): boolean;
  ref(): unknown;
  unref(): unknown;
}

/**
 * Time as the engine sees it: a monotonic clock for deadlines, linger and backoff, the wall
 * clock for message timestamps, and timers. The engine reads time only through this, so its
 * retry, linger, timeout and close behaviour can be tested with a fake clock: deterministic,
 * no sleeps.
 */
export interface Clock {
  /** Monotonic milliseconds (`performance.now()`): every deadline is measured on it. */
  now(): number;
  /** Milliseconds since the epoch (`Date.now()`): timestamps a user or a broker reads. */
  epochMs(): number;
  /**
   * The whole epoch millisecond at a `now()` reading taken moments ago: a message's timestamp
   * from the reading its `send()` already took, instead of a second clock read per message.
   */
  epochAt(monotonicMs: number): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

/**
 * How often the real clock re-reads the wall clock for {@link Clock.epochAt}. Between reads the
 * epoch is the monotonic reading plus the offset last measured, so a step of the wall clock
 * (NTP, an operator) shows in timestamps within this long, and drift between the two clocks
 * cannot build up.
 */
const EPOCH_RESYNC_MS = 1_000;

let epochOffset = Date.now() - performance.now();
let offsetMeasuredAt = performance.now();

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  epochAt: (monotonicMs) => {
    if (monotonicMs - offsetMeasuredAt > EPOCH_RESYNC_MS || monotonicMs < offsetMeasuredAt) {
      const mono = performance.now();
      epochOffset = Date.now() - mono;
      offsetMeasuredAt = mono;
    }
    return Math.floor(monotonicMs + epochOffset);
  },
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout> | undefined),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** `promise`, or a rejection once `ms` pass on `clock` first. */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T> {
  let timer: ClockTimer | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = clock.setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clock.clearTimeout(timer));
}
