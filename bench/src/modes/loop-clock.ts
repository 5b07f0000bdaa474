/**
 * How the open-loop issuer reads time and gives the event loop back: the real loop in a trial,
 * a scripted one in the unit tests, so the slice cap can be checked without sleeping.
 */
export interface LoopClock {
  now(): number;
  /** Runs `fn` once the event loop has handled the I/O that is ready (sockets, acks). */
  yieldThen(fn: () => void): void;
  /** Runs `fn` after about `ms` milliseconds; the returned function cancels it. */
  after(fn: () => void, ms: number): () => void;
}

export const eventLoopClock: LoopClock = {
  now: () => performance.now(),
  // setImmediate runs after the poll phase: socket reads and the producer's acks go first.
  yieldThen: (fn) => {
    setImmediate(fn);
  },
  after: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
