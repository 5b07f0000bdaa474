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
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
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
