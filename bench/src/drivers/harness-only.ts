import type { Driver } from "./driver.js";

/**
 * No client at all: every send is acknowledged in the next microtask, callbacks collected and
 * called together, the way Outbound calls `produce()` callbacks. Run at a trial's offered rate, it
 * shows what the harness alone costs (how fast it can offer, what its own garbage does to RSS),
 * so a producer's overload figures can be read as the producer's.
 */
export function harnessOnlyDriver(): Driver {
  let due: ((error: unknown) => void)[] = [];
  const callDue = (): void => {
    const callbacks = due;
    due = [];
    for (const done of callbacks) done(undefined);
  };
  return {
    batched: false,
    connect: async () => {},
    sendOne: () => Promise.resolve(),
    produceOne: (_i, done) => {
      if (due.length === 0) queueMicrotask(callDue);
      due.push(done);
    },
    close: async () => {},
  };
}
