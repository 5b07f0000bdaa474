import { build, type Histogram } from "hdr-histogram-js";
import type { Driver } from "../drivers/driver.js";
import type { LatencySummary } from "../types.js";

export interface OpenLoopResult {
  acked: number;
  failed: number;
  rejected: number;
  /** From each message's intended send time: corrects for coordinated omission. */
  corrected: Histogram;
  /** From the moment `sendOne` was actually called. */
  uncorrected: Histogram;
  /** Messages still unacknowledged when the drain wait ended; charged that wait in both histograms. */
  unfinished: number;
  firstError?: string;
}

/**
 * Open loop: message i is due at t0 + i/rate whatever happened to earlier ones. A timer issues
 * every due message each millisecond; latency counts from the due time, so a stalled client is
 * charged for the wait it imposed on messages it could not take (coordinated omission). Stops
 * issuing after `durationMs`, then waits at most `drainMs` for the stragglers.
 */
export async function openLoop(
  driver: Driver,
  options: { rate: number; durationMs: number; drainMs: number; startIndex: number; maxMessages: number },
): Promise<OpenLoopResult> {
  const corrected = build({ numberOfSignificantValueDigits: 3 });
  const uncorrected = build({ numberOfSignificantValueDigits: 3 });
  const result: OpenLoopResult = { acked: 0, failed: 0, rejected: 0, unfinished: 0, corrected, uncorrected };
  const outstanding = new Map<number, { intended: number; actual: number }>();
  const total = Math.min(
    options.maxMessages,
    Math.max(1, Math.floor((options.rate * options.durationMs) / 1000)),
  );
  const interval = 1000 / options.rate;
  let issued = 0;
  let settled = 0;
  await new Promise<void>((resolve) => {
    const t0 = performance.now();
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      // Whatever has not been acknowledged by now waited at least this long.
      const now = performance.now();
      for (const { intended, actual } of outstanding.values()) {
        corrected.recordValue(Math.max(1, Math.round((now - intended) * 1000)));
        uncorrected.recordValue(Math.max(1, Math.round((now - actual) * 1000)));
        result.unfinished++;
      }
      outstanding.clear();
      if (drainTimer) clearTimeout(drainTimer);
      resolve();
    };
    const onSettled = (): void => {
      settled++;
      if (issued >= total && settled >= total) finish();
    };
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (issued < due) {
        const intended = t0 + issued * interval;
        const index = options.startIndex + issued;
        issued++;
        const actual = performance.now();
        outstanding.set(index, { intended, actual });
        driver.sendOne(index).then(
          () => {
            if (!outstanding.delete(index)) return;
            const done = performance.now();
            corrected.recordValue(Math.max(1, Math.round((done - intended) * 1000)));
            uncorrected.recordValue(Math.max(1, Math.round((done - actual) * 1000)));
            result.acked++;
            onSettled();
          },
          (error: unknown) => {
            if (!outstanding.delete(index)) return;
            if ((error as { code?: string })?.code === "BUFFER_FULL") result.rejected++;
            else {
              result.failed++;
              result.firstError ??= String((error as Error)?.message ?? error);
            }
            onSettled();
          },
        );
      }
      if (issued < total) setTimeout(tick, 1);
      else if (!done) drainTimer = setTimeout(finish, options.drainMs);
    };
    tick();
  });
  return result;
}

/** Microsecond histogram to a millisecond summary. */
export function summarize(h: Histogram): LatencySummary {
  return {
    p50: h.getValueAtPercentile(50) / 1000,
    p99: h.getValueAtPercentile(99) / 1000,
    p999: h.getValueAtPercentile(99.9) / 1000,
    max: h.maxValue / 1000,
    count: h.totalCount,
  };
}
