import type { Clock, ClockTimer } from "../../src/producer/clock.js";

class FakeTimer implements ClockTimer {
  #refed = true;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}
  hasRef(): boolean {
    return this.#refed;
  }
  ref(): this {
    this.#refed = true;
    return this;
  }
  unref(): this {
    this.#refed = false;
    return this;
  }
}

/**
 * A clock that moves only when a test says so. `advance(ms)` fires the timers that fall due on
 * the way, in time order, and lets the engine's promise chains run after each, so a test reads
 * like a timeline: no sleeps, and the same result on a loaded machine.
 */
export class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Set<FakeTimer>();

  constructor(private readonly epochAtZero = 1_700_000_000_000) {}

  now(): number {
    return this.#now;
  }

  epochMs(): number {
    return this.epochAtZero + this.#now;
  }

  epochAt(monotonicMs: number): number {
    return Math.floor(this.epochAtZero + monotonicMs);
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer = new FakeTimer(this.#now + Math.max(0, ms), this.#seq++, callback);
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer instanceof FakeTimer) this.#timers.delete(timer);
  }

  /** Timers armed and not yet fired or cleared. */
  get armed(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due by then in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      const next = this.#earliest();
      if (next === undefined || next.at > target) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = target;
    await settle();
  }

  #earliest(): FakeTimer | undefined {
    let earliest: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (!earliest || timer.at < earliest.at || (timer.at === earliest.at && timer.seq < earliest.seq)) {
        earliest = timer;
      }
    }
    return earliest;
  }
}

/**
 * Lets pending promise jobs and `setImmediate` callbacks run. No real time passes on the fake
 * clock meanwhile, and nothing here does I/O, so a few turns of the loop settle everything.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
