import type { Group, Target } from "../plan.js";
import { median, NOISY_SPREAD, pairedRatio, type RatioSummary, spread } from "../stats.js";
import type { TrialResult, Workload } from "../types.js";
import { workloadLabel } from "../workload.js";
import { overloadVerdicts } from "./overload-verdict.js";

/** One trial as it ran: which side, which round, what it measured. */
export interface TrialRecord {
  target: Target;
  round: number;
  /** Position in the run, for the order check (ABBA). */
  order: number;
  result: TrialResult;
}

export interface GroupRun {
  group: Group;
  /** Offered rate in open-loop and overload groups. */
  rate?: number;
  trials: TrialRecord[];
}

export interface TargetSummary {
  label: string;
  driver: string;
  mode: string;
  okRounds: number;
  msgPerSec: number;
  /** Relative spread of msg/s over the rounds. */
  spread: number;
  mbPerSec: number;
  cpuUsPerMsg: number | undefined;
  peakRssMiB: number | undefined;
  rssGrowthMiB: number | undefined;
  eventLoopP99Ms: number | undefined;
  latency: { p50: number; p99: number; p999: number } | undefined;
  bytesPerBufferedMessage: number | undefined;
  promiseBytes: number | undefined;
  rejected: number | undefined;
  unfinished: number | undefined;
  /** Open loop: sends made, and sends due in the window the issuer never made (harness-limited). */
  offered: number | undefined;
  notOffered: number | undefined;
  /** Outbound (the group's first target) over this target, paired by round. */
  ratio: RatioSummary | undefined;
  errors: string[];
  notes: string[];
}

export interface GroupSummary {
  transport: string;
  kind: Group["kind"];
  workload: string;
  workloadSpec: Workload;
  rate: number | undefined;
  targets: TargetSummary[];
}

export const labelOf = (t: Target): string => t.label ?? t.driver;

function medianOf(records: TrialRecord[], pick: (r: TrialResult) => number | undefined): number | undefined {
  const values = records
    .map((r) => pick(r.result))
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length ? median(values) : undefined;
}

export function summarizeGroup(run: GroupRun): GroupSummary {
  const { group } = run;
  // By label and driver, not identity, so runs read back from JSON (`--report`) summarize the same.
  const byTarget = (t: Target) =>
    run.trials.filter((r) => r.target.driver === t.driver && labelOf(r.target) === labelOf(t));
  const perRound = (t: Target): (number | undefined)[] => {
    const rounds: (number | undefined)[] = [];
    for (const r of byTarget(t)) rounds[r.round] = r.result.ok ? r.result.msgPerSec : undefined;
    return rounds;
  };
  const head = group.targets[0]!;
  // A target run once (the Java ceilings in the quick run) is set against Outbound's median over
  // all rounds rather than against whichever single round happened to run beside it.
  const ratioTo = (t: Target): RatioSummary => {
    const mine = perRound(t).filter((v): v is number => v !== undefined);
    const outbound = perRound(head).filter((v): v is number => v !== undefined);
    if (mine.length === 1 && outbound.length > 1) {
      return { median: median(outbound) / mine[0]!, spread: 0, noisy: false, rounds: 1 };
    }
    return pairedRatio(perRound(head), perRound(t));
  };
  const targets = group.targets.map((t, index): TargetSummary => {
    const all = byTarget(t);
    const ok = all.filter((r) => r.result.ok);
    const rates = ok.map((r) => r.result.msgPerSec);
    const lat = ok.filter((r) => r.result.latency);
    const mib = (v: number | undefined) => (v === undefined ? undefined : v / 2 ** 20);
    return {
      label: labelOf(t),
      driver: t.driver,
      mode: t.mode,
      okRounds: ok.length,
      msgPerSec: rates.length ? median(rates) : 0,
      spread: spread(rates),
      mbPerSec: medianOf(ok, (r) => r.mbPerSec) ?? 0,
      cpuUsPerMsg: medianOf(ok, (r) => r.cpuUsPerMsg),
      peakRssMiB: mib(medianOf(ok, (r) => r.peakRssBytes)),
      rssGrowthMiB: mib(medianOf(ok, (r) => r.rssGrowthBytes)),
      eventLoopP99Ms: medianOf(ok, (r) => r.eventLoopP99Ms),
      latency: lat.length
        ? {
            p50: medianOf(lat, (r) => r.latency?.p50)!,
            p99: medianOf(lat, (r) => r.latency?.p99)!,
            p999: medianOf(lat, (r) => r.latency?.p999)!,
          }
        : undefined,
      bytesPerBufferedMessage: medianOf(ok, (r) => r.bytesPerBufferedMessage),
      promiseBytes: medianOf(ok, (r) => r.promiseBytes),
      rejected: medianOf(ok, (r) => r.rejected),
      unfinished: medianOf(ok, (r) => r.unfinished),
      offered: medianOf(ok, (r) => r.offered),
      notOffered: medianOf(ok, (r) => r.notOffered),
      // Open-loop and overload targets are read against a rate or the unloaded max, not each other.
      ratio:
        index === 0 || group.kind === "open" || group.kind === "overload" || group.kind === "outbox-latency"
          ? undefined
          : ratioTo(t),
      errors: [...new Set(all.map((r) => r.result.error).filter((e): e is string => !!e))].map((e) =>
        e.slice(0, 300),
      ),
      notes: [...new Set(all.flatMap((r) => r.result.notes ?? []))].slice(0, 4),
    };
  });
  return {
    transport: group.transport,
    kind: group.kind,
    workload: workloadLabel(group.workload),
    workloadSpec: group.workload,
    rate: run.rate,
    targets,
  };
}

/** A target from the issue, read off this run's summaries. */
export interface Verdict {
  id: string;
  text: string;
  measured: string;
  met: boolean | undefined;
}

function find(groups: GroupSummary[], transport: string, kind: string, base = true) {
  return groups.find(
    (g) =>
      g.transport === transport &&
      g.kind === kind &&
      (!base || (g.workloadSpec.size === 100 && !g.workloadSpec.keyed && g.workloadSpec.partitions === 1)),
  );
}

const fmtRatio = (r: RatioSummary | undefined): string => {
  if (!r || !Number.isFinite(r.median)) return "n/a";
  if (r.rounds < 2) return `${r.median.toFixed(2)}x (1 round, no spread)`;
  return `${r.median.toFixed(2)}x (spread ${(r.spread * 100).toFixed(0)}%${r.noisy ? ", noisy" : ""})`;
};

/** An open-loop result the issuer could not fully offer is flagged where its latency is quoted. */
const notOffered = (t: TargetSummary): string =>
  t.notOffered
    ? `; ${Math.round(t.notOffered).toLocaleString("en")} sends not offered (issuer out of CPU)`
    : "";

export function verdicts(groups: GroupSummary[]): Verdict[] {
  const out: Verdict[] = [];
  const ratioTo = (transport: string, driver: string) =>
    find(groups, transport, "max")?.targets.find((t) => t.driver === driver)?.ratio;
  const rate = (transport: string, kind: string, driver: string) =>
    find(groups, transport, kind)?.targets.find((t) => t.driver === driver)?.msgPerSec;

  for (const [transport, driver] of [
    ["kafka", "kafkajs-batch"],
    ["rabbitmq", "amqplib-pipelined"],
    ["sqs", "sqs-batch"],
  ] as const) {
    const r = ratioTo(transport, driver);
    if (r)
      out.push({
        id: "P1",
        text: `${transport}: Outbound >= 1.0x ${driver}`,
        measured: fmtRatio(r),
        met: r.median >= 1,
      });
  }
  for (const [transport, driver, goal] of [
    ["kafka", "kafkajs-each", 10],
    ["rabbitmq", "amqplib-each", 5],
    ["sqs", "sqs-each", 5],
  ] as const) {
    const outbound = rate(transport, "max", "outbound");
    const naive = rate(transport, "serial", driver);
    if (outbound && naive)
      out.push({
        id: "P2",
        text: `${transport}: Outbound max >= ${goal}x ${driver} awaited one by one`,
        measured: `${(outbound / naive).toFixed(1)}x (medians, not paired)`,
        met: outbound / naive >= goal,
      });
  }
  const platformatic = ratioTo("kafka", "platformatic");
  if (platformatic)
    out.push({
      id: "P3",
      text: "kafka: >= 1.0x @platformatic/kafka",
      measured: fmtRatio(platformatic),
      met: platformatic.median >= 1,
    });
  const pp = ratioTo("kafka", "java-producer-performance");
  if (pp)
    out.push({
      id: "P3",
      text: "kafka: >= 0.5x Java ProducerPerformance",
      measured: fmtRatio(pp),
      met: pp.median >= 0.5,
    });
  const pulsarPerf = ratioTo("pulsar", "java-pulsar-perf");
  if (pulsarPerf)
    out.push({
      id: "P4",
      text: "pulsar: >= 0.5x pulsar-perf",
      measured: fmtRatio(pulsarPerf),
      met: pulsarPerf.median >= 0.5,
    });
  const memory = find(groups, "memory", "max");
  if (memory) {
    const ob = memory.targets.find((t) => t.driver === "outbound")!;
    const engine = memory.targets.find((t) => t.driver === "outbound-null");
    const cpuBound = (t: TargetSummary | undefined) =>
      t?.cpuUsPerMsg ? `${Math.round(1e6 / t.cpuUsPerMsg).toLocaleString("en")}` : "?";
    out.push({
      id: "P5",
      text: "memory: >= 500k msg/s at 100 B",
      measured: `memory ${Math.round(ob.msgPerSec).toLocaleString("en")} msg/s (${cpuBound(ob)} per CPU-second); engine alone (null transport) ${Math.round(engine?.msgPerSec ?? 0).toLocaleString("en")} msg/s (${cpuBound(engine)} per CPU-second)`,
      met: ob.msgPerSec >= 500_000,
    });
  }
  for (const g of groups.filter((x) => x.kind === "open")) {
    const [ob, raw] = g.targets;
    if (ob?.latency && raw?.latency) {
      const added = ob.latency.p99 - raw.latency.p99;
      // A baseline that cannot keep up with the offered rate has no meaningful latency to add to.
      const saturated = g.rate !== undefined && raw.msgPerSec < 0.9 * g.rate;
      out.push({
        id: "P6",
        text: `${g.transport}: added p99 at 50% load <= 1 ms + linger (0 ms)`,
        measured: saturated
          ? `not comparable: ${raw.label} sustained ${Math.round(raw.msgPerSec)} of ${g.rate} msg/s offered (p99 ${raw.latency.p99.toFixed(1)} ms); Outbound p99 ${ob.latency.p99.toFixed(2)} ms`
          : `${added.toFixed(2)} ms (Outbound p99 ${ob.latency.p99.toFixed(2)} ms vs ${raw.label} ${raw.latency.p99.toFixed(2)} ms)${notOffered(ob)}`,
        met: saturated ? undefined : added <= 1,
      });
    } else if (ob?.latency) {
      out.push({
        id: "P6",
        text: `${g.transport}: p99 at 50% load (no raw Node client to subtract)`,
        measured: `Outbound p50 ${ob.latency.p50.toFixed(2)} ms, p99 ${ob.latency.p99.toFixed(2)} ms at ${g.rate} msg/s`,
        met: undefined,
      });
    }
  }
  out.push(...overloadVerdicts(groups));
  const bufferedTargets = groups.find((g) => g.kind === "buffered")?.targets ?? [];
  const buffered = bufferedTargets[0];
  // The second target holds the same messages through produce(): no promise per message, so
  // what it weighs is the engine's own overhead, the number the target is about.
  const produced = bufferedTargets[1];
  if (buffered?.bytesPerBufferedMessage !== undefined) {
    const own = produced?.bytesPerBufferedMessage;
    out.push({
      id: "P7",
      text: "memory per buffered message <= 256 B overhead beyond the promise send() returns",
      measured: `send(): ${buffered.bytesPerBufferedMessage.toFixed(0)} B per message (heap + external after GC, payload shared)${
        buffered.promiseBytes === undefined
          ? ""
          : `; a promise with both its resolve/reject functions weighs ${buffered.promiseBytes.toFixed(0)} B`
      }${own === undefined ? "" : `; produce() (no promise): ${own.toFixed(0)} B per message`}`,
      met:
        own !== undefined
          ? own <= 256
          : buffered.bytesPerBufferedMessage - (buffered.promiseBytes ?? 0) <= 256,
    });
  }
  return out;
}

export { NOISY_SPREAD };
