import type { LoadMode, OutboxSettings, TransportName, TransportParams, Workload } from "./types.js";

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
  /** The outbox drivers: application and relay setup. */
  outbox?: OutboxSettings;
}

/** The kinds of comparison group, as `--only` names them. */
export const GROUP_KINDS = [
  "serial",
  "max",
  "open",
  "hooks",
  "overload",
  "buffered",
  "outbox",
  "outbox-latency",
] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/**
 * A comparison group: targets measured in ABBA rounds on one transport and workload. The first
 * target is Outbound; ratios are Outbound over each other target, round by round.
 */
export interface Group {
  transport: TransportName;
  kind: GroupKind;
  workload: Workload;
  targets: Target[];
  rounds: number;
  /** For open loop: the target whose median `max` rate sets the offered rate (50% of it). */
  rateFrom?: string;
  /** Offered rate as a multiple of the `rateFrom` max: 0.5 for open loop, 3 and 10 for overload. */
  rateFactor?: number;
  /** For open loop: this offered rate, msg/s, instead of one read off a max group. */
  fixedRate?: number;
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
      out.push(outboxGroup(transport, rounds), outboxLatencyGroup(transport, rounds));
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
      out.push(outboxGroup(transport, rounds), outboxLatencyGroup(transport, rounds));
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
 * The transactional outbox end to end on SQLite and on PostgreSQL, against the producer's own
 * `send()` on the same broker (issue 19 aims for the relay at >= 0.5x of it). The application
 * commits rows with `addMany()` in transactions of `batchSize` rows, 20 at once, each waiting
 * until the relay has published its rows: enough rows in flight (2,000) that the relay, not the
 * round trip of one transaction, sets the rate. The same relays into a transport that
 * acknowledges at once are the ceiling of the database and the relay with no broker behind
 * them; the relays with `prefetch: true` show what claiming ahead is worth.
 */
function outboxGroup(transport: TransportName, rounds: number): Group {
  const pg: OutboxSettings = { ...OUTBOX_APP, concurrency: 2 };
  return {
    transport,
    kind: "outbox",
    workload: BASE,
    rounds,
    targets: [
      { driver: "outbox-sqlite", mode: "max", label: "outbox relay (SQLite)", outbox: OUTBOX_APP },
      {
        driver: "outbox-postgres",
        mode: "max",
        label: "outbox relay (PostgreSQL, concurrency 2)",
        outbox: pg,
      },
      { driver: "outbound", mode: "max", label: "outbound send() (no outbox)" },
      {
        driver: "outbox-sqlite",
        mode: "max",
        label: "outbox relay (SQLite), prefetch on",
        outbox: { ...OUTBOX_APP, prefetch: true },
      },
      {
        driver: "outbox-postgres",
        mode: "max",
        label: "outbox relay (PostgreSQL, concurrency 2), prefetch on",
        outbox: { ...pg, prefetch: true },
      },
      {
        driver: "outbox-sqlite",
        mode: "max",
        label: "outbox relay (SQLite), no broker",
        outbox: { ...OUTBOX_APP, noBroker: true },
      },
      {
        driver: "outbox-postgres",
        mode: "max",
        label: "outbox relay (PostgreSQL, concurrency 2), no broker",
        outbox: { ...pg, noBroker: true },
      },
    ],
  };
}

/** The outbox group's application side: 20 transactions of `batchSize` rows in flight. */
const OUTBOX_APP: OutboxSettings = { transactions: 20 };

/**
 * Commit-to-ack latency through the outbox: one-row application transactions offered at a fixed
 * rate (open loop, so a slow relay shows as latency, not as a lower rate), timed from the
 * transaction's start to the broker's acknowledgment. PostgreSQL woken by NOTIFY, and polling
 * only (at the default 1 s, and at 50 ms); SQLite woken by the application's commit.
 */
function outboxLatencyGroup(transport: TransportName, rounds: number): Group {
  return {
    transport,
    kind: "outbox-latency",
    workload: BASE,
    rounds,
    fixedRate: OUTBOX_LATENCY_RATE,
    targets: [
      {
        driver: "outbox-sqlite",
        mode: "open",
        label: "outbox (SQLite, wakes on commit)",
        outbox: OUTBOX_APP,
      },
      { driver: "outbox-postgres", mode: "open", label: "outbox (PostgreSQL, NOTIFY)", outbox: OUTBOX_APP },
      {
        driver: "outbox-postgres",
        mode: "open",
        label: "outbox (PostgreSQL, polling 1 s)",
        outbox: { ...OUTBOX_APP, listen: false },
      },
      {
        driver: "outbox-postgres",
        mode: "open",
        label: "outbox (PostgreSQL, polling 50 ms)",
        outbox: { ...OUTBOX_APP, listen: false, pollIntervalMs: 50 },
      },
    ],
  };
}

/** Rows per second offered in the latency group: a steady load well below any relay's limit. */
const OUTBOX_LATENCY_RATE = 1000;

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
