import { describe, expect, it } from "vitest";
import type { Driver } from "../src/drivers/driver.js";
import type { LoopClock } from "../src/modes/loop-clock.js";
import { openLoop } from "../src/modes/open-loop.js";

/**
 * A scripted event loop: time moves only when a send "costs" CPU or the loop waits for a timer.
 * Callbacks the driver owes are answered whenever the issuer yields, the way a socket's acks are
 * read between slices.
 */
function scriptedLoop() {
  let now = 0;
  const soon: (() => void)[] = [];
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const clock: LoopClock = {
    now: () => now,
    yieldThen: (fn) => {
      soon.push(fn);
    },
    after: (fn, ms) => {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  const answers: (() => void)[] = [];
  const run = (): void => {
    for (let steps = 0; steps < 1_000_000; steps++) {
      // I/O first: answer what the driver owes, then the issuer's next slice, then timers.
      for (const answer of answers.splice(0)) answer();
      const next = soon.shift();
      if (next) {
        next();
        continue;
      }
      const live = timers.filter((t) => t.live).sort((a, b) => a.at - b.at);
      const timer = live[0];
      if (!timer) return;
      timer.live = false;
      now = Math.max(now, timer.at);
      timer.fn();
    }
    throw new Error("the scripted loop did not settle");
  };
  return {
    clock,
    run,
    spend: (ms: number) => {
      now += ms;
    },
    owe: (answer: () => void) => answers.push(answer),
    get now() {
      return now;
    },
  };
}

/** A client whose every send costs `costMs` of the issuer's time and is answered with `outcome(i)`. */
function scriptedDriver(
  loop: ReturnType<typeof scriptedLoop>,
  costMs: number,
  outcome: (i: number) => unknown,
) {
  const perSlice: number[] = [];
  let inSlice = 0;
  const driver: Driver = {
    batched: false,
    connect: async () => {},
    sendOne: () => Promise.reject(new Error("the open loop should use produceOne")),
    produceOne: (i, done) => {
      inSlice++;
      loop.spend(costMs);
      const answer = outcome(i);
      if (answer !== "never") loop.owe(() => done(answer));
    },
    close: async () => {},
  };
  // Counted per yield: the loop answers owed callbacks exactly when the issuer gave it back.
  const endSlice = () => {
    if (inSlice > 0) perSlice.push(inSlice);
    inSlice = 0;
  };
  return { driver, perSlice, endSlice };
}

describe("open loop", () => {
  it("offers every due send on time when the client keeps up, with nothing left unoffered", async () => {
    const loop = scriptedLoop();
    const { driver } = scriptedDriver(loop, 0, () => undefined);
    const done = openLoop(
      driver,
      { rate: 10_000, durationMs: 100, drainMs: 50, startIndex: 0, maxMessages: 1e9 },
      loop.clock,
    );
    loop.run();
    const result = await done;
    expect(result.offered).toBe(1000);
    expect(result.notOffered).toBe(0);
    expect(result.acked).toBe(1000);
    expect(result.cappedSlices).toBe(0);
    expect(result.corrected.totalCount).toBe(1000);
  });

  it("caps each slice, yields between slices, and counts the sends it never got to as not offered", async () => {
    const loop = scriptedLoop();
    // 10 µs per send against one due every microsecond: the issuer can make a tenth of them.
    const { driver, perSlice, endSlice } = scriptedDriver(loop, 0.01, () => undefined);
    const clock: LoopClock = {
      ...loop.clock,
      yieldThen: (fn) => {
        endSlice();
        loop.clock.yieldThen(fn);
      },
      after: (fn, ms) => {
        endSlice();
        return loop.clock.after(fn, ms);
      },
    };
    const done = openLoop(
      driver,
      { rate: 1_000_000, durationMs: 20, drainMs: 50, startIndex: 0, maxMessages: 1e9, sliceMs: 0.25 },
      clock,
    );
    loop.run();
    endSlice();
    const result = await done;
    // The clock is read once per 64 sends: a slice overruns its 0.25 ms by less than one run.
    expect(Math.max(...perSlice)).toBeLessThanOrEqual(64);
    expect(result.cappedSlices).toBeGreaterThan(0);
    expect(result.offered).toBeGreaterThan(1000);
    expect(result.offered).toBeLessThan(5000);
    expect(result.offered + result.notOffered).toBe(20_000);
    expect(result.acked).toBe(result.offered);
  });

  it("tells rejections from failures and charges what never settled with the drain wait", async () => {
    const loop = scriptedLoop();
    const bufferFull = Object.assign(new Error("buffer full"), { code: "BUFFER_FULL" });
    const { driver } = scriptedDriver(loop, 0, (i) =>
      i % 4 === 0 ? bufferFull : i % 4 === 1 ? new Error("broken") : i % 4 === 2 ? "never" : undefined,
    );
    const done = openLoop(
      driver,
      { rate: 1000, durationMs: 40, drainMs: 30, startIndex: 0, maxMessages: 1e9 },
      loop.clock,
    );
    loop.run();
    const result = await done;
    expect(result.offered).toBe(40);
    expect(result.rejected).toBe(10);
    expect(result.failed).toBe(10);
    expect(result.firstError).toBe("broken");
    expect(result.acked).toBe(10);
    expect(result.unfinished).toBe(10);
    expect(result.acked + result.rejected + result.failed + result.unfinished).toBe(result.offered);
    // The last never-answered send was due at 38 ms and the drain ended 30 ms after issuing did.
    expect(result.corrected.minNonZeroValue).toBeGreaterThanOrEqual(1);
    expect(result.corrected.maxValue / 1000).toBeGreaterThanOrEqual(30);
  });
});
