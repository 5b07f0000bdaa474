/** Shared shapes of the benchmark: what the parent plans, what a child trial measures. */

export type TransportName = "memory" | "kafka" | "rabbitmq" | "sqs" | "pulsar";
export const TRANSPORTS: readonly TransportName[] = ["memory", "kafka", "rabbitmq", "sqs", "pulsar"];

/** How load is offered in one trial. */
export type LoadMode =
  /** await each send before the next */
  | "serial"
  /** keep a fixed number of messages in flight */
  | "max"
  /** send at a fixed rate whatever the acks do; latency from the intended send time */
  | "open"
  /** offer far more than the broker takes, with a bounded buffer that rejects; watch RSS */
  | "overload"
  /** hold N messages unacknowledged and weigh them after GC */
  | "buffered";

export interface Workload {
  /** Value size in bytes. */
  size: number;
  keyed: boolean;
  /** Partitions of the destination; 1 where the broker does not partition. */
  partitions: number;
}

/** Per-transport knobs applied identically to Outbound and to the raw clients. */
export interface TransportParams {
  /** Messages in flight in `max` mode, on both sides. */
  window: number;
  /** Records per hand-batched raw call (`sendBatch`, `SendMessageBatch`). */
  batchSize: number;
  /** Requests in flight per partition: raw windowed calls = window / batchSize; Outbound's maxInFlightPerPartition. */
  inFlightRequests: number;
}

/** Everything a child process needs to run one trial. */
export interface TrialSpec {
  transport: TransportName;
  /** Driver id, e.g. "outbound", "kafkajs-batch". */
  driver: string;
  mode: LoadMode;
  workload: Workload;
  topic: string;
  params: TransportParams;
  warmupMs: number;
  durationMs: number;
  /** Upper bound on measured messages, so no trial runs away. */
  maxMessages: number;
  /** Offered rate for `open` and `overload`, messages per second. */
  rate?: number;
  /** Messages held in `buffered` mode. */
  held?: number;
  /** Outbound only: register an `ack` listener (its cost is what this measures). */
  ackListener?: boolean;
  /** Outbound only: `telemetry: { tracing: false, metrics: false }` (its default is on when @opentelemetry/api resolves). */
  telemetryOff?: boolean;
  /** Outbound `buffered` and `overload` modes: send through `produce()` (a callback) instead of `send()`. */
  produce?: boolean;
  /** Outbound only: cap its batches (the engine default is the transport's maximum). */
  batchMaxRecords?: number;
  /** Outbound only: producer buffer bound for `overload`. */
  bufferMaxBytes?: number;
  /** The outbox drivers only: how the application writes and how the relay runs. */
  outbox?: OutboxSettings;
  endpoints: Endpoints;
}

/**
 * An outbox trial's setup. In `max` mode `transactions` application transactions of
 * `batchSize` rows each are in flight, each waiting until the relay published its rows; the
 * relay options are the package's defaults unless set.
 */
export interface OutboxSettings {
  /** Application transactions in flight at once (default: `inFlightRequests`). */
  transactions?: number;
  /** One `addMany()` per transaction (default) or one `add()` per row. */
  addMany?: boolean;
  relayBatchSize?: number;
  prefetch?: boolean;
  /** PostgreSQL only: batches the relay runs side by side. */
  concurrency?: number;
  /** PostgreSQL only: wake on NOTIFY (default) or only poll. */
  listen?: boolean;
  /** The relay's poll interval (default: the package's, 250 ms SQLite, 1000 ms PostgreSQL). */
  pollIntervalMs?: number;
  /** Publish into a transport that acknowledges at once and keeps nothing: the store's and relay's own ceiling. */
  noBroker?: boolean;
}

export interface Endpoints {
  kafka: string;
  amqpUrl: string;
  sqsEndpoint: string;
  pulsarUrl: string;
  pulsarHttp: string;
  /** The outbox group's PostgreSQL. */
  postgresUrl: string;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
}

/** What one trial measured. Times in ms, latency in ms. */
export interface TrialResult {
  ok: boolean;
  error?: string;
  messages: number;
  bytes: number;
  elapsedMs: number;
  msgPerSec: number;
  mbPerSec: number;
  cpuUsPerMsg?: number;
  peakRssBytes?: number;
  /** RSS growth during the measured phase (overload mode). */
  rssGrowthBytes?: number;
  eventLoopP99Ms?: number;
  /** Send-to-ack latency from the intended send time (open loop: corrected for coordinated omission). */
  latency?: LatencySummary;
  /** The same, measured from the moment the send was actually issued. */
  latencyUncorrected?: LatencySummary;
  /** Messages refused with BUFFER_FULL (overload) or failed otherwise. */
  rejected?: number;
  failed?: number;
  /** Open loop: messages still unacknowledged when the drain wait ended. */
  unfinished?: number;
  /** Open loop: sends the issuer made. */
  offered?: number;
  /**
   * Open loop: sends due inside the issuing window that the issuer never made, because the
   * process had no CPU left in its issuing slices (see modes/open-loop.ts).
   */
  notOffered?: number;
  /** Open loop: issuing slices cut short by the slice cap while sends were still due. */
  cappedSlices?: number;
  /** buffered mode: heap+external bytes per held message, after GC. */
  bytesPerBufferedMessage?: number;
  /**
   * What one pending promise with its resolve and reject functions weighs in the same process:
   * the floor for any API that returns a promise per send, included in bytesPerBufferedMessage.
   */
  promiseBytes?: number;
  /** Free-form facts the driver wants in the report (e.g. "java: enable.idempotence=true"). */
  notes?: string[];
}
