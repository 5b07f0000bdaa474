import { build, type Histogram } from "hdr-histogram-js";
import type { Driver } from "../drivers/driver.js";
import type { LatencySummary } from "../types.js";
import { IssueLog } from "./issue-log.js";
import { eventLoopClock, type LoopClock } from "./loop-clock.js";

export interface OpenLoopResult {
  /** Sends the issuer made (acked + failed + rejected + unfinished). */
  offered: number;
  /**
   * Sends that fell due inside the issuing window but that the issuer never got to make: the
   * process had no CPU left for them. Reported, never hidden: a trial with many is harness-limited
   * (or, under overload, limited like any application that cannot offer faster than its CPU).
   */
  notOffered: number;
  acked: number;
  failed: number;
  rejected: number;
  /** From each message's intended send time: corrects for coordinated omission. */
  corrected: Histogram;
  /** From the moment the send was actually issued. */
  uncorrected: Histogram;
  /** Messages still unacknowledged when the drain wait ended; charged that wait in both histograms. */
  unfinished: number;
  /** Issuing slices that ended on the slice cap with sends still due: how often the issuer yielded early. */
  cappedSlices: number;
  firstError?: string;
}

export interface OpenLoopOptions {
  rate: number;
  durationMs: number;
  drainMs: number;
  startIndex: number;
  maxMessages: number;
  /**
   * Longest the issuer runs before it gives the event loop back (default {@link SLICE_MS}).
   * Without a cap, a late tick issues everything due in one synchronous burst (at 10x of 500k
   * msg/s, millions of sends), the loop never reaches the socket, nothing drains, and the burst's
   * own garbage is the RSS the trial reports.
   */
  sliceMs?: number;
}

/**
 * A quarter of a millisecond: everything issued in a slice is alive until the slice ends and its
 * callbacks run, and V8 grows its young generation when much survives a scavenge. With 1 ms slices
 * the harness alone (no client) grew RSS by 50-85 MiB at 4.5M msg/s here, with 0.25 ms by 20-30 MiB;
 * giving the loop back costs a few microseconds per slice.
 */
export const SLICE_MS = 0.25;

/** The clock is read once per run of this many sends: the slice cap's granularity. */
const RUN = 64;

/**
 * Open loop: message i is due at t0 + i/rate whatever happened to earlier ones. The issuer makes
 * every due send, at most `sliceMs` at a time, yielding to the event loop between slices (at once
 * while it is behind, after 1 ms when it has caught up). Latency counts from the due time, so a
 * client that stalls is charged for the wait it imposed on messages it could not take
 * (coordinated omission). Issuing stops at `durationMs`: sends due by then but never made are
 * counted as not offered. Then it waits at most `drainMs` for the stragglers.
 */
export async function openLoop(
  driver: Driver,
  options: OpenLoopOptions,
  clock: LoopClock = eventLoopClock,
): Promise<OpenLoopResult> {
  const corrected = build({ numberOfSignificantValueDigits: 3 });
  const uncorrected = build({ numberOfSignificantValueDigits: 3 });
  const result: OpenLoopResult = {
    offered: 0,
    notOffered: 0,
    acked: 0,
    failed: 0,
    rejected: 0,
    unfinished: 0,
    cappedSlices: 0,
    corrected,
    uncorrected,
  };
  const total = Math.min(
    options.maxMessages,
    Math.max(1, Math.floor((options.rate * options.durationMs) / 1000)),
  );
  const interval = 1000 / options.rate;
  const sliceMs = options.sliceMs ?? SLICE_MS;
  const log = new IssueLog(total);
  const record = (h: Histogram, ms: number): void => {
    h.recordValue(Math.max(1, Math.round(ms * 1000)));
  };
  let issued = 0;
  let settled = 0;
  let issuing = true;
  await new Promise<void>((resolve) => {
    const t0 = clock.now();
    const windowEnd = t0 + options.durationMs;
    let cancelDrain: (() => void) | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      // Whatever has not been acknowledged by now waited at least this long.
      const now = clock.now();
      log.forEachUnsettled(issued, (seq, issuedAt) => {
        record(corrected, now - (t0 + seq * interval));
        record(uncorrected, now - issuedAt);
        result.unfinished++;
      });
      cancelDrain?.();
      resolve();
    };
    const settle = (seq: number, issuedAt: number, error: unknown): void => {
      if (done || !log.settle(seq)) return;
      settled++;
      if (error === undefined || error === null) {
        const now = clock.now();
        record(corrected, now - (t0 + seq * interval));
        record(uncorrected, now - issuedAt);
        result.acked++;
      } else if ((error as { code?: string }).code === "BUFFER_FULL") result.rejected++;
      else {
        result.failed++;
        result.firstError ??= String((error as Error)?.message ?? error);
      }
      if (!issuing && settled >= issued) finish();
    };
    // One closure per send, holding two numbers: the only per-message state the harness keeps.
    const issue = driver.produceOne
      ? (seq: number, issuedAt: number): void => {
          driver.produceOne!(options.startIndex + seq, (error) => settle(seq, issuedAt, error));
        }
      : (seq: number, issuedAt: number): void => {
          driver.sendOne(options.startIndex + seq).then(
            () => settle(seq, issuedAt, undefined),
            (error: unknown) => settle(seq, issuedAt, error ?? new Error("rejected without a reason")),
          );
        };
    const dueBy = (now: number): number => Math.min(total, Math.floor((now - t0) / interval) + 1);
    const stopIssuing = (): void => {
      issuing = false;
      result.offered = issued;
      result.notOffered = total - issued;
      if (settled >= issued) finish();
      else cancelDrain = clock.after(finish, options.drainMs);
    };
    const tick = (): void => {
      const start = clock.now();
      const sliceEnd = start + sliceMs;
      const due = dueBy(start);
      let now = start;
      log.startRun(issued, now);
      while (issued < due) {
        issue(issued, now);
        issued++;
        if (issued % RUN === 0) {
          now = clock.now();
          if (now >= sliceEnd) break;
          log.startRun(issued, now);
        }
      }
      const capped = issued < due;
      if (capped) result.cappedSlices++;
      // The tick that reaches the window's end still makes what was due; after it, nothing more.
      if (issued >= total || start >= windowEnd) stopIssuing();
      else if (capped || issued < dueBy(clock.now())) clock.yieldThen(tick);
      else clock.after(tick, 1);
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
