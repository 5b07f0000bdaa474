/**
 * One trial in its own process: `node --expose-gc dist/trial.js` forked by the runner, the spec in
 * OUTBOUND_BENCH_TRIAL. It connects, warms up (discarded), measures one load mode, and sends one
 * TrialResult back over IPC. A fresh process per trial keeps JIT state, pools and garbage of one
 * client from flattering or taxing the next.
 */
import { createDriver } from "./drivers/index.js";
import { measureBuffered } from "./modes/buffered.js";
import { closedLoop } from "./modes/closed-loop.js";
import { openLoop, summarize } from "./modes/open-loop.js";
import { startSampler } from "./modes/sampler.js";
import type { TrialResult, TrialSpec } from "./types.js";
import { makePayloads } from "./workload.js";

async function runTrial(spec: TrialSpec): Promise<TrialResult> {
  const payloads = makePayloads(spec.workload);
  if (spec.mode === "buffered") return measureBuffered(spec, payloads);
  const driver = await createDriver({ spec, payloads });
  await driver.connect();
  const { window, batchSize, inFlightRequests } = spec.params;
  const closed = (deadlineMs: number, maxMessages: number, startIndex: number) =>
    spec.mode === "serial"
      ? closedLoop(driver, { workers: 1, batchSize: 1, deadlineMs, maxMessages, startIndex })
      : driver.batched
        ? closedLoop(driver, {
            workers: driver.batchCallers ?? inFlightRequests,
            batchSize,
            deadlineMs,
            maxMessages,
            startIndex,
          })
        : closedLoop(driver, {
            workers: driver.requestConcurrency ? inFlightRequests : window,
            batchSize: 1,
            deadlineMs,
            maxMessages,
            startIndex,
          });

  let result: TrialResult;
  if (spec.mode === "serial" || spec.mode === "max") {
    const warm = await closed(performance.now() + spec.warmupMs, spec.maxMessages, 0);
    if (warm.acked === 0 && warm.failed > 0) throw new Error(`warmup failed: ${warm.firstError}`);
    const sampler = startSampler();
    const t0 = performance.now();
    const count = await closed(t0 + spec.durationMs, spec.maxMessages, 10_000_000);
    const elapsedMs = performance.now() - t0;
    const cost = sampler.stop();
    result = measured(spec, count.acked, elapsedMs, cost);
    result.failed = count.failed;
    if (count.firstError) result.error = count.firstError;
  } else {
    const rate = spec.rate ?? 1000;
    // Stragglers are waited for this long; those still unacknowledged then are charged the full wait.
    const drainMs = Math.max(2000, spec.durationMs);
    // Overload warms up unloaded (max mode): RSS growth is then what overload adds to a producer
    // that had been running, not the process's own start-up (JIT, the young generation growing to
    // its working size, the client's pools), which a first 1.5 s at full speed would otherwise count.
    if (spec.warmupMs > 0 && spec.mode === "overload") {
      const warm = await closed(performance.now() + spec.warmupMs, spec.maxMessages, 0);
      if (warm.acked === 0 && warm.failed > 0) throw new Error(`warmup failed: ${warm.firstError}`);
    }
    if (spec.warmupMs > 0 && spec.mode === "open") {
      await openLoop(driver, {
        rate,
        durationMs: spec.warmupMs,
        drainMs,
        startIndex: 0,
        maxMessages: spec.maxMessages,
      });
    }
    const sampler = startSampler();
    const t0 = performance.now();
    const out = await openLoop(driver, {
      rate,
      durationMs: spec.durationMs,
      drainMs,
      startIndex: 10_000_000,
      maxMessages: spec.maxMessages,
    });
    const elapsedMs = performance.now() - t0;
    const cost = sampler.stop();
    result = measured(spec, out.acked, elapsedMs, cost);
    result.latency = summarize(out.corrected);
    result.latencyUncorrected = summarize(out.uncorrected);
    // Under overload the point is what memory did, even if nothing was acknowledged in time.
    if (spec.mode === "overload") result.ok = true;
    result.rejected = out.rejected;
    result.unfinished = out.unfinished;
    result.offered = out.offered;
    result.notOffered = out.notOffered;
    result.cappedSlices = out.cappedSlices;
    result.failed = out.failed;
    if (out.firstError) result.error = out.firstError;
  }
  result.notes = driver.notes?.() ?? [];
  // Open-loop and overload trials may leave a backlog a raw client would drain for a long time.
  const closeMs = spec.mode === "overload" || spec.mode === "open" ? 2000 : 10_000;
  await Promise.race([driver.close(), new Promise((r) => setTimeout(r, closeMs))]);
  return result;
}

function measured(
  spec: TrialSpec,
  acked: number,
  elapsedMs: number,
  cost: ReturnType<ReturnType<typeof startSampler>["stop"]>,
): TrialResult {
  const seconds = elapsedMs / 1000;
  return {
    ok: acked > 0,
    messages: acked,
    bytes: acked * spec.workload.size,
    elapsedMs,
    msgPerSec: acked / seconds,
    mbPerSec: (acked * spec.workload.size) / seconds / 1e6,
    cpuUsPerMsg: acked > 0 ? cost.cpuUs / acked : undefined,
    peakRssBytes: Math.max(cost.peakRssBytes, process.resourceUsage().maxRSS * 1024),
    rssGrowthBytes: cost.rssGrowthBytes,
    eventLoopP99Ms: cost.eventLoopP99Ms,
  };
}

function reply(result: TrialResult): void {
  if (process.send) process.send(result, () => process.exit(0));
  else {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
}

const raw = process.env.OUTBOUND_BENCH_TRIAL;
if (!raw) {
  console.error("trial.js is started by the bench runner (OUTBOUND_BENCH_TRIAL is not set)");
  process.exit(2);
}
// A client that leaves a rejection unhandled must not crash the trial before it reports.
process.on("unhandledRejection", () => {});
runTrial(JSON.parse(raw) as TrialSpec).then(reply, (error: unknown) =>
  reply({
    ok: false,
    error: String((error as Error)?.stack ?? error),
    messages: 0,
    bytes: 0,
    elapsedMs: 0,
    msgPerSec: 0,
    mbPerSec: 0,
  }),
);
