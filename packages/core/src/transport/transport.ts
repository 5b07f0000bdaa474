import type { OutboundError } from "../errors/index.js";
import type { Logger } from "../logging/logger.js";
import type { Acks, RecordBatch, RecordResult } from "../message/index.js";
import type { BackoffPolicy } from "../producer/backoff.js";
import type { Capabilities } from "./capabilities.js";

/** What the engine passes with every `send`. */
export interface SendContext {
  /**
   * Aborted when the engine gives up on the request: `timeoutMs` passed, or close() ran out of
   * time. The engine makes it on first read, so read it where the transport waits, not on every
   * request. Stop waiting when it aborts; there is no need to time the request again.
   */
  readonly signal: AbortSignal;
  /**
   * Milliseconds until the engine aborts `signal` and settles the request itself as unknown
   * outcome; a late answer is then ignored. The engine enforces it, once for every transport: a
   * transport only passes it on where its client wants a timeout of its own (a broker-side
   * produce timeout). For a transport that retries itself (`capabilities.retries: "transport"`)
   * this is the time left until the batch's delivery deadline; otherwise one request's timeout.
   */
  timeoutMs: number;
  /**
   * For a transport that retries itself: how long one attempt may wait for the broker (the
   * producer's `requestTimeoutMs`) and the backoff between attempts (the producer's `retry`).
   */
  readonly requestTimeoutMs?: number;
  readonly retry?: BackoffPolicy;
  /**
   * For a transport that retries itself: called before it resends the batch, so the engine counts
   * the attempt on each record, in its metrics and in `retry` events.
   */
  retrying?(error: OutboundError, delayMs: number): void;
  /**
   * Reports one record's outcome before the whole request is answered, for brokers that
   * acknowledge records one by one (AMQP publisher confirms, SQS's parallel batch requests). The
   * engine settles an early success at once, so its caller can send again while the rest of the
   * request is in flight; failures are acted on when `send` resolves, which keeps retries in
   * order. Optional to call; the array `send` resolves with must still hold every result.
   */
  recordSettled?(index: number, result: RecordResult): void;
}

/** A transport's flow-control state: `paused` while the broker or client asks producers to wait. */
export interface BackpressureState {
  paused: boolean;
  reason?: string;
}

/**
 * A broker binding. The engine owns batching, retries and timeouts; a transport turns one
 * batch into broker requests and returns one classified result per record.
 */
export interface Transport {
  readonly name: string;
  readonly capabilities: Capabilities;
  connect(): Promise<void>;
  /** Partition count of a destination; 1 where it is not partitioned. Throws `UNKNOWN_DESTINATION`. */
  partitions(topic: string): Promise<number>;
  /**
   * Sends a batch. Resolves with exactly one result per record, in order; never rejects for a
   * per-record problem. A rejection means the whole request failed and is classified by its
   * `OutboundError` kind.
   */
  send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]>;
  close(): Promise<void>;
  /** Lets the transport pause the engine (AMQP `blocked`, a full socket buffer). */
  onBackpressure?(listener: (state: BackpressureState) => void): void;
  /** Human-readable endpoint with credentials removed, for logs. */
  describe?(): string;
  /** Begins a broker transaction, where `capabilities.transactions` is true. One at a time. */
  transaction?(): Promise<TransportTransaction>;
}

/** A broker transaction: batches sent through it become visible together on commit, or never. */
export interface TransportTransaction {
  /**
   * Sends a batch inside the transaction. `context` carries the batch's delivery deadline (and
   * retry settings, for a transport that retries itself); it never aborts.
   */
  send(batch: RecordBatch, context?: SendContext): Promise<RecordResult[]>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * What every transport's constructor and public factory (`kafkaTransport(options, settings)`)
 * take besides the transport's own options: the same two things, in the same place, everywhere.
 */
export interface TransportSettings {
  /** Where the transport logs; silent when left out. A producer passes its own. */
  logger?: Logger;
  /** The client id the transport announces to the broker, where the protocol has one. */
  clientId?: string;
}

/**
 * What a transport's options resolver reads besides its config section: the producer-level
 * settings that give its defaults. A `TransportConfig` is one.
 */
export type TransportContext = Partial<
  Pick<TransportConfig, "url" | "clientId" | "acks" | "requestTimeoutMs">
>;

/** Settings every transport factory receives. Transport-specific options sit in `options`. */
export interface TransportConfig<O = unknown> {
  url?: string;
  options: O;
  clientId: string;
  logger: Logger;
  /** The producer's acks, for transports whose defaults depend on it (Kafka's idempotence). */
  acks?: Acks;
  /**
   * The producer's `requestTimeoutMs`, the engine's bound on every send request. A transport
   * makes it the default bound of its own requests too (metadata, handshakes), so one setting
   * covers both unless its section says otherwise.
   */
  requestTimeoutMs?: number;
}

/** What a transport package exports as `transport` so the registry can load it by name. */
export interface TransportModule<O = unknown> {
  readonly name: string;
  readonly schemes: readonly string[];
  /**
   * Config sections the transport reads its options from, first present wins; `[name]` when not
   * given. A transport replacing another can read the section users already have.
   */
  readonly sections?: readonly string[];
  create(config: TransportConfig<O>): Transport;
}
