import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createProducer, type OutboundMessage, type Producer } from "@outbound/core";
import { errorLine } from "../error-line.js";
import { onInterrupt } from "../interrupt.js";
import { PerfStats } from "../perf-stats.js";
import { type ConnectionOptions, producerConfig } from "../producer-config.js";
import { ProgressLine } from "../progress-line.js";
import { EXIT, UsageError } from "../usage-error.js";
import type { CommandIo } from "./io.js";

export interface PerfOptions extends ConnectionOptions {
  topic: string;
  size: number;
  rate: number | "max";
  duration: number;
  keyed?: boolean;
  keys: number;
  partitions?: number;
  json?: boolean;
  interval: number;
  closeTimeout: number;
  /** With `--rate max`: most messages sent and not yet acknowledged (a closed loop). */
  window: number;
}

/** Distinct random payloads, cycled, so a compressing broker sees no run of identical values. */
const PAYLOADS = 16;

/**
 * `outbound perf`: sends generated messages for a duration, open-loop at `--rate` or closed-loop
 * at the most the producer takes (`--rate max`), with a live progress line and the same figures at
 * the end (`--json` for scripts). Exit 1 when any message failed, 130 on Ctrl-C.
 */
export async function perf(options: PerfOptions, io: CommandIo): Promise<number> {
  const producer = createProducer(producerConfig(options, { serializer: "bytes" }));
  const payloads = Array.from({ length: PAYLOADS }, () => randomBytes(options.size));
  let stats: PerfStats | undefined;
  const interrupt = onInterrupt(io.stderr, () => stats?.unsettled ?? 0);
  const progress = options.json ? undefined : new ProgressLine(io.stderr);
  try {
    await producer.connect();
    const spread = options.partitions === undefined ? undefined : await checkPartitions(producer, options);
    stats = new PerfStats(options.size);
    const run = stats;
    const message = (i: number): OutboundMessage<Uint8Array> => {
      const m: OutboundMessage<Uint8Array> = { topic: options.topic, value: payloads[i % PAYLOADS]! };
      if (options.keyed) m.key = `key-${i % options.keys}`;
      else if (spread !== undefined) m.partition = i % spread;
      return m;
    };
    let slotFree: (() => void) | undefined;
    const send = (i: number) => {
      run.sent++;
      producer
        .send(message(i))
        .then(
          (report) => run.ack(report),
          (error: unknown) => {
            // The first failure in full, once: the counts by code at the end do not say why.
            if (run.failed === 0) io.stderr.write(`first failure: ${errorLine(error)}\n`);
            run.fail(error);
          },
        )
        .finally(() => {
          slotFree?.();
          slotFree = undefined;
        });
    };
    interrupt.signal.addEventListener("abort", () => slotFree?.(), { once: true });
    const ticker = setInterval(() => progress?.show(progressText(run, producer)), options.interval);
    const endAt = run.startedAt + options.duration;
    try {
      // Both loops stop sending at `window` unsettled messages, so a broker slower than the
      // rate asked for holds the tool back (reported as the rate reached) instead of its memory.
      const slot = () =>
        new Promise<void>((resolve) => {
          slotFree = resolve;
        });
      if (options.rate === "max") {
        while (!interrupt.signal.aborted && performance.now() < endAt) {
          if (run.unsettled >= options.window) {
            await slot();
            continue;
          }
          send(run.sent);
          // Yield now and then so acknowledgments, timers and Ctrl-C are served.
          if (run.sent % 256 === 0) await sleep(0);
        }
      } else {
        const perMs = options.rate / 1_000;
        while (!interrupt.signal.aborted && performance.now() < endAt) {
          const due = Math.floor((performance.now() - run.startedAt) * perMs) - run.sent;
          for (let n = 0; n < due && run.unsettled < options.window; n++) send(run.sent);
          if (run.unsettled >= options.window) await slot();
          else await sleep(1);
        }
      }
    } finally {
      clearInterval(ticker);
    }
    progress?.show(progressText(run, producer));
    progress?.done();
  } finally {
    const { undelivered } = await producer.close({ timeoutMs: options.closeTimeout });
    interrupt.dispose();
    if (undelivered.length > 0)
      io.stderr.write(`${undelivered.length} messages undelivered when close gave up\n`);
  }
  // close() has settled every send, so the totals are final.
  const totals = stats.totals();
  io.stdout.write(
    options.json
      ? `${JSON.stringify({ ...totals, size: options.size, rate: options.rate })}\n`
      : summaryText(totals),
  );
  if (interrupt.signal.aborted) return EXIT.interrupted;
  return totals.failed > 0 ? EXIT.failed : EXIT.ok;
}

/** `--partitions N` spreads keyless messages over partitions 0..N-1, which must exist. */
async function checkPartitions(producer: Producer, options: PerfOptions): Promise<number> {
  const count = await producer.partitions(options.topic);
  if (count < options.partitions!) {
    throw new UsageError(
      `--partitions ${options.partitions}: topic ${options.topic} has ${count}; create it with ${options.partitions} first`,
    );
  }
  return options.partitions!;
}

function progressText(stats: PerfStats, producer: Producer): string {
  const i = stats.takeInterval();
  const m = producer.metrics();
  const buffer = m.bufferMaxBytes > 0 ? `${Math.round((m.bufferedBytes / m.bufferMaxBytes) * 100)}%` : "-";
  return [
    `${i.elapsedSeconds.toFixed(1)}s`,
    `${count(Math.round(i.ackedPerSecond))} msg/s`,
    `acked ${count(stats.acked)}`,
    `failed ${count(stats.failed)}`,
    `p50 ${ms(i.p50Ms)} ms`,
    `p99 ${ms(i.p99Ms)} ms`,
    `buffer ${buffer} of ${mib(m.bufferMaxBytes)}`,
  ].join("  ");
}

function summaryText(t: ReturnType<PerfStats["totals"]>): string {
  const l = t.latencyMs;
  const errors = Object.entries(t.errors).map(([code, n]) => `${code} ${n}`);
  return [
    `sent ${count(t.sent)}, acked ${count(t.acked)}, failed ${count(t.failed)} in ${t.seconds.toFixed(1)}s (acknowledged over ${t.ackedSeconds.toFixed(1)}s)`,
    `throughput ${count(Math.round(t.messagesPerSecond))} msg/s, ${t.megabytesPerSecond.toFixed(2)} MiB/s`,
    `latency ms: p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, p99.9 ${ms(l.p999)}, max ${ms(l.max)}`,
    ...(errors.length > 0 ? [`errors: ${errors.join(", ")}`] : []),
    "",
  ].join("\n");
}

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number | null | undefined) =>
  n === null || n === undefined ? "-" : n.toFixed(n < 10 ? 2 : 1);
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 1_048_576 ? 2 : 0)} MiB`;
