import type { OutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage } from "../message/index.js";
import type { ProducerMetrics } from "../metrics/index.js";
import type { Capabilities } from "../transport/capabilities.js";
import type { CallbackError } from "./user-code.js";

/** Per-send options, the second argument of `send()`, `sendSerialized()` and `produce()`. */
export interface SendOptions {
  /**
   * This message's delivery timeout, from 1 ms up to `deliveryTimeoutMs`: it fails with TIMEOUT
   * once this passes, wherever it is (waiting, queued, in backoff or in flight), and its batch
   * mates are not affected.
   */
  timeoutMs?: number | undefined;
  /**
   * Aborting it fails this message with ABORTED: kind `retriable` if it was not sent (or its last
   * attempt was refused), `unknown-outcome` if it was in flight, since the broker may hold it then.
   * Aborting a message the broker already acknowledged changes nothing.
   */
  signal?: AbortSignal | undefined;
}

/** A `produce()` callback: called once, with the error or the delivery report. */
export type DeliveryCallback = (error: OutboundError | undefined, report: DeliveryReport | undefined) => void;

export type SendSettled =
  | { status: "fulfilled"; value: DeliveryReport }
  | { status: "rejected"; reason: OutboundError };

export interface Undelivered {
  message: OutboundMessage;
  error: OutboundError;
}

export interface CloseResult {
  /** Messages that were not delivered when close gave up waiting; each `send()` rejected too. */
  undelivered: Undelivered[];
}

export interface ProducerEvents {
  ack: { message: OutboundMessage; report: DeliveryReport };
  retry: { message: OutboundMessage; error: OutboundError; attempt: number; delayMs: number };
  failure: { message: OutboundMessage; error: OutboundError };
  backpressure: { paused: boolean; reason: string; bufferedBytes: number };
  /**
   * User code the engine called threw: a listener of another event, the logger,
   * `deadLetter.when` or the OpenTelemetry SDK. The message's outcome is unchanged; the throw is
   * also counted in `metrics().callbackErrors` and logged at error level.
   */
  callbackError: CallbackError;
}

export type ProducerEventName = keyof ProducerEvents;

/** What `producer.transaction()` hands to its callback. */
export interface ProducerTransaction {
  /**
   * Validates and serializes now (bad input rejects at once). Resolves once the broker holds the
   * message inside the transaction, not at the commit: awaiting it inside `work` is how a batch
   * waits for its sends. The message is visible to read-committed consumers only if
   * `transaction()` resolves; if it rejects, every message sent through `tx` was discarded, even
   * those whose `send` resolved. Metrics count them as acked at the commit, failed at an abort.
   */
  send<V = unknown>(message: OutboundMessage<V>): Promise<DeliveryReport>;
}

/** The producer an application holds. One per process is usual; it is safe to share. */
export interface Producer {
  /** Connects now instead of on the first send; rejects with the connection's error. */
  connect(): Promise<void>;
  /**
   * Resolves once the broker acknowledged the message at the configured `acks` level. Rejects
   * with an `OutboundError` after retries or `deliveryTimeoutMs`. Never throws synchronously.
   */
  send<V = unknown>(message: OutboundMessage<V>, options?: SendOptions): Promise<DeliveryReport>;
  /**
   * As `send()`, without a promise per message: `callback(error, report)` is called exactly once,
   * after the engine's current step (never synchronously inside `produce()`). For producers that
   * buffer many messages, this saves the memory of a promise and its functions per message. A
   * throwing callback is contained and reported as a `callbackError`.
   */
  produce<V = unknown>(message: OutboundMessage<V>, callback: DeliveryCallback, options?: SendOptions): void;
  /**
   * Sends bytes as they are, past the serializer: for forwarding and dead-letter copies.
   * `deadLetter: false` keeps a failed copy from being dead-lettered again.
   */
  sendSerialized(
    message: OutboundMessage<Uint8Array>,
    options?: { contentType?: string; deadLetter?: boolean } & SendOptions,
  ): Promise<DeliveryReport>;
  /**
   * One settled result per message, in order; a failure never hides the others' outcomes. One
   * promise for the whole array, none per message.
   */
  sendMany<V = unknown>(messages: readonly OutboundMessage<V>[]): Promise<SendSettled[]>;
  /**
   * Runs `work` in a broker transaction (Kafka with a `transactionalId`): every message sent
   * through `tx` becomes visible to read-committed consumers together when `work` resolves, or
   * never if it throws or a send fails. Each `tx.send()` resolves when the broker holds its
   * message in the transaction; only `transaction()` resolving means committed. Transactions
   * run one at a time. `UNSUPPORTED_FEATURE` where the transport has none.
   */
  transaction<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T>;
  /** Sends everything buffered now (ignoring `lingerMs`) and waits until it is settled. */
  flush(): Promise<void>;
  /**
   * Stops accepting messages, sends what is buffered, and waits up to `timeoutMs`. Whatever is
   * still undelivered then is failed and returned, never dropped.
   */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
  metrics(): ProducerMetrics;
  on<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this;
  off<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this;
  /**
   * What the transport can do and its limits (message size, headers, dedup, delay, acks). Known
   * once the producer has connected (`connect()` or a first send); `undefined` before.
   */
  readonly capabilities: Capabilities | undefined;
  /**
   * Partition count of a destination, connecting first if needed; 1 where the broker has no
   * partitions. Rejects with `UNKNOWN_DESTINATION` when it does not exist, or within
   * `deliveryTimeoutMs` when the broker does not answer.
   */
  partitions(topic: string): Promise<number>;
  /** The effective config, with credentials masked. */
  describeConfig(): Record<string, unknown>;
  readonly transportName: string;
}
