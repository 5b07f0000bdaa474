import type { Driver } from "../drivers/driver.js";

export interface LoopCount {
  acked: number;
  failed: number;
  firstError?: string;
}

/**
 * Closed loop: `workers` callers, each awaiting its own send before the next, until `deadlineMs`
 * (performance.now() time) or `maxMessages`. One worker is `serial` mode; `window` workers is `max`
 * mode, so at most `window` messages (or `workers` hand-built batches) are in flight.
 */
export async function closedLoop(
  driver: Driver,
  options: {
    workers: number;
    batchSize: number;
    deadlineMs: number;
    maxMessages: number;
    startIndex: number;
  },
): Promise<LoopCount> {
  const count: LoopCount = { acked: 0, failed: 0 };
  const per = options.batchSize;
  let next = options.startIndex;
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < options.deadlineMs && issued < options.maxMessages) {
      const i = next;
      next += per;
      issued += per;
      try {
        if (per === 1) await driver.sendOne(i);
        else await driver.sendBatch!(i, per);
        count.acked += per;
      } catch (error) {
        count.failed += per;
        count.firstError ??= String((error as Error)?.message ?? error);
        // A broken client would spin here; stop this worker instead.
        if (count.failed > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return count;
}
