import type { LoadMode, TransportName, TransportParams, Workload } from "./types.js";

/**
 * In-flight limits per transport, applied to both sides: the raw windowed baselines keep
 * `inFlightRequests` calls of `batchSize` messages in flight (or `window` single publishes), and
 * Outbound keeps `window` sends outstanding with `maxInFlightPerPartition = inFlightRequests`.
 */
export const PARAMS: Record<TransportName, TransportParams> = {
  memory: { window: 1000, batchSize: 100, inFlightRequests: 10 },
  kafka: { window: 500, batchSize: 100, inFlightRequests: 5 },
  rabbitmq: { window: 500, batchSize: 1, inFlightRequests: 5 },
  sqs: { window: 100, batchSize: 10, inFlightRequests: 10 },
  pulsar: { window: 1000, batchSize: 1, inFlightRequests: 5 },
};

/** One side of a comparison: a driver (or Java tool) run in a given mode. */
export interface Target {
  driver: string;
  mode: LoadMode;
  /** Shown in tables; defaults to the driver id. */
  label?: string;
  ackListener?: boolean;
  telemetryOff?: boolean;
  /** `buffered` mode through `produce()` (a callback, no promise per message) instead of `send()`. */
  produce?: boolean;
  batchMaxRecords?: number;
  /** Runs in the first round only: the JVM ceilings in the quick run, where their start-up dominates. */
  firstRoundOnly?: boolean;
}

/**
 * A comparison group: targets measured in ABBA rounds on one transport and workload. The first
 * target is Outbound; ratios are Outbound over each other target, round by round.
 */
export interface Group {
  transport: TransportName;
  kind: "serial" | "max" | "open" | "hooks" | "overload" | "buffered" | "outbox";
  workload: Workload;
  targets: Target[];
  rounds: number;
  /** For open loop: the target whose median `max` rate sets the offered rate (50% of it). */
  rateFrom?: string;
  /** Offered rate as a multiple of the `rateFrom` max: 0.5 for open loop, 3 and 10 for overload. */
  rateFactor?: number;
}

export interface Timing {
  warmupMs: number;
  durationMs: number;
  rounds: number;
  /** Kept for the memory-per-buffered-message case. */
  held: number;
}

export const QUICK: Timing = { warmupMs: 500, durationMs: 1500, rounds: 2, held: 20_000 };
export const FULL: Timing = { warmupMs: 1000, durationMs: 3000, rounds: 5, held: 200_000 };

const BASE: Workload = { size: 100, keyed: false, partitions: 1 };

/**
 * The workloads of the full run's max-throughput comparison. `axes` (the default) varies one
 * factor at a time from the base workload (every size unkeyed on one partition; keyed; and, where
 * the broker partitions, 8 partitions unkeyed and keyed), so every value of every factor is
 * measured against the raw clients in about 40 minutes; `factorial` runs every combination
 * (sizes x keyed x partitions), which takes about twice as long.
 */
export type GridKind = "axes" | "factorial";

export function grid(partitioned: boolean, kind: GridKind = "axes"): Workload[] {
  const out: Workload[] = [];
  if (kind === "factorial") {
    for (const size of [100, 1024, 10 * 1024])
      for (const keyed of [false, true])
        for (const partitions of partitioned ? [1, 8] : [1]) out.push({ size, keyed, partitions });
    return out;
  }
  for (const size of [100, 1024, 10 * 1024]) out.push({ size, keyed: false, partitions: 1 });
  out.push({ size: 100, keyed: true, partitions: 1 });
  if (partitioned) {
    out.push({ size: 100, keyed: false, partitions: 8 });
    out.push({ size: 100, keyed: true, partitions: 8 });
  }
  return out;
}

function isBase(w: Workload): boolean {
  return w.size === BASE.size && w.keyed === BASE.keyed && w.partitions === BASE.partitions;
}

/**
 * What runs, in order (max before open loop, whose rate comes from it). The quick run measures
 * only the base workload (100 B, unkeyed, 1 partition) with two ABBA rounds (the Java ceilings in
 * the first round only) and overload on Kafka only; the full run adds the size/key/partition grid in max mode and five rounds.
 */
export function planFor(transport: TransportName, quick: boolean, gridKind: GridKind = "axes"): Group[] {
  const t = quick ? QUICK : FULL;
  const rounds = t.rounds;
  const maxWorkloads = quick
    ? [BASE]
    : grid(transport === "kafka" || transport === "memory" || transport === "pulsar", gridKind);
  // The JVM ceilings (start-up dominates) and the batch-cap variant run every round on the base
  // workload; elsewhere in the grid the ceilings run once and the variant not at all.
  const ceilingOnce = (w: Workload): boolean => quick || !isBase(w);
  const out: Group[] = [];
  const O = (mode: LoadMode, extra: Partial<Target> = {}): Target => ({ driver: "outbound", mode, ...extra });
  switch (transport) {
    case "memory":
      out.push({
        transport,
        kind: "serial",
        workload: BASE,
        rounds,
        targets: [O("serial"), { driver: "memory-raw", mode: "serial" }],
      });
      for (const workload of maxWorkloads)
        out.push({
          transport,
          kind: "max",
          workload,
          rounds,
          targets: [
            O("max"),
            { driver: "memory-raw-batch", mode: "max" },
            { driver: "outbound-null", mode: "max", label: "outbound (null transport: engine only)" },
          ],
        });
      // Per-message hooks priced the same way tracing will be: the same run with and without them.
      out.push({
        transport,
        kind: "hooks",
        workload: BASE,
        rounds,
        targets: [
          O("max", { label: "outbound (defaults)" }),
          O("max", { label: "outbound (ack listener)", ackListener: true }),
          O("max", { label: "outbound (telemetry off)", telemetryOff: true }),
        ],
      });
      out.push({
        transport,
        kind: "buffered",
        workload: BASE,
        rounds: 1,
        targets: [O("buffered"), O("buffered", { label: "outbound produce() (no promise)", produce: true })],
      });
      out.push(outboxGroup(transport, rounds));
      break;
    case "kafka":
      out.push({
        transport,
        kind: "serial",
        workload: BASE,
        rounds,
        targets: [O("serial"), { driver: "kafkajs-each", mode: "serial" }],
      });
      for (const workload of maxWorkloads)
        out.push({
          transport,
          kind: "max",
          workload,
          rounds,
          targets: [
            O("max"),
            ...(isBase(workload)
              ? [
                  {
                    driver: "outbound-kafka-idempotent",
                    mode: "max",
                    label: "outbound (idempotent)",
                  } as Target,
                  O("max", { label: "outbound (batchMaxRecords 100)", batchMaxRecords: 100 }),
                ]
              : []),
            { driver: "outbound-kafkajs", mode: "max", label: "outbound on @outbound/kafkajs" },
            { driver: "kafkajs-batch", mode: "max" },
            { driver: "platformatic", mode: "max", label: "@platformatic/kafka" },
            {
              driver: "java-producer-performance",
              mode: "max",
              label: "Java ProducerPerformance",
              firstRoundOnly: ceilingOnce(workload),
            },
          ],
        });
      out.push(openGroup(transport, rounds, "kafkajs-each", "kafkajs-batch"));
      out.push(outboxGroup(transport, rounds));
      out.push(...overloadGroups(transport));
      break;
    case "rabbitmq":
      out.push({
        transport,
        kind: "serial",
        workload: BASE,
        rounds,
        targets: [O("serial"), { driver: "amqplib-each", mode: "serial" }],
      });
      for (const workload of maxWorkloads)
        out.push({
          transport,
          kind: "max",
          workload,
          rounds,
          targets: [
            O("max"),
            ...(isBase(workload)
              ? [O("max", { label: "outbound (batchMaxRecords 100)", batchMaxRecords: 100 })]
              : []),
            { driver: "amqplib-pipelined", mode: "max" },
            {
              driver: "java-perftest",
              mode: "max",
              label: "Java PerfTest",
              firstRoundOnly: ceilingOnce(workload),
            },
          ],
        });
      out.push(openGroup(transport, rounds, "amqplib-pipelined", "amqplib-pipelined"));
      if (!quick) out.push(...overloadGroups(transport));
      break;
    case "sqs":
      out.push({
        transport,
        kind: "serial",
        workload: BASE,
        rounds,
        targets: [O("serial"), { driver: "sqs-each", mode: "serial" }],
      });
      for (const workload of maxWorkloads)
        out.push({
          transport,
          kind: "max",
          workload,
          rounds,
          targets: [
            O("max"),
            { driver: "sqs-batch", mode: "max", label: "SendMessageBatch x10" },
            { driver: "sqs-each", mode: "max", label: "SendMessage" },
          ],
        });
      out.push(openGroup(transport, rounds, "sqs-each", "sqs-batch"));
      if (!quick) out.push(...overloadGroups(transport));
      break;
    case "pulsar":
      for (const workload of maxWorkloads)
        out.push({
          transport,
          kind: "max",
          workload,
          rounds,
          targets: [
            O("max"),
            {
              driver: "java-pulsar-perf",
              mode: "max",
              label: "Java pulsar-perf",
              firstRoundOnly: ceilingOnce(workload),
            },
          ],
        });
      // No Node Pulsar client installs here: the open-loop rate is half of Outbound's own max.
      out.push({
        transport,
        kind: "open",
        workload: BASE,
        rounds,
        targets: [O("open")],
        rateFrom: "outbound",
        rateFactor: 0.5,
      });
      if (!quick) out.push(...overloadGroups(transport));
      break;
  }
  return out;
}

/**
 * The transactional outbox end to end (rows committed in application transactions of
 * `batchSize`, `inFlightRequests` at once, until the relay has published them) on SQLite and on
 * PostgreSQL, against the producer's own `send()` on the same broker: the ratio is the outbox's
 * cost (issue 19 aims for >= 0.5x).
 */
function outboxGroup(transport: TransportName, rounds: number): Group {
  return {
    transport,
    kind: "outbox",
    workload: BASE,
    rounds,
    targets: [
      { driver: "outbox-sqlite", mode: "max", label: "outbox relay (SQLite)" },
      { driver: "outbox-postgres", mode: "max", label: "outbox relay (PostgreSQL)" },
      { driver: "outbound", mode: "max", label: "outbound send() (no outbox)" },
    ],
  };
}

function openGroup(transport: TransportName, rounds: number, rawDriver: string, rateFrom: string): Group {
  return {
    transport,
    kind: "open",
    workload: BASE,
    rounds,
    targets: [
      { driver: "outbound", mode: "open" },
      { driver: rawDriver, mode: "open" },
    ],
    rateFrom,
    rateFactor: 0.5,
  };
}

/**
 * Overload (issue 17): an open loop at `factor` times Outbound's own unloaded max from the same
 * run (the rate this producer and broker sustain), with an 8 MiB buffer that rejects. Goodput is
 * read against that max (>= 0.8x) and RSS growth against the buffer (<= 8 MiB + 64 MiB). Outbound
 * runs through `send()` and through `produce()`; the harness-only target offers the same rate to
 * no client at all, so what the harness costs by itself is in the same table.
 */
function overloadGroup(transport: TransportName, factor: number): Group {
  return {
    transport,
    kind: "overload",
    workload: BASE,
    // ABBA rounds like the other groups: one overload trial on a shared machine says little.
    rounds: 2,
    targets: [
      { driver: "outbound", mode: "overload", label: `outbound send() (${factor}x overload, 8 MiB buffer)` },
      {
        driver: "outbound",
        mode: "overload",
        label: `outbound produce() (${factor}x overload, 8 MiB buffer)`,
        produce: true,
      },
      {
        driver: "harness-only",
        mode: "overload",
        label: `harness only (${factor}x, no client)`,
        produce: true,
      },
    ],
    rateFrom: "outbound",
    rateFactor: factor,
  };
}

/** The overload rates: 3x and 10x of the unloaded max. */
export const OVERLOAD_FACTORS = [3, 10] as const;

function overloadGroups(transport: TransportName): Group[] {
  return OVERLOAD_FACTORS.map((factor) => overloadGroup(transport, factor));
}

/** Buffer bound for the overload case (P7: RSS growth at most this plus 64 MiB). */
export const OVERLOAD_BUFFER_BYTES = 8 * 1024 * 1024;
