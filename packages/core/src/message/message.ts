/** A header value: text, or raw bytes where the broker carries binary headers. */
export type HeaderValue = string | Uint8Array;
export type Headers = Record<string, HeaderValue>;

/** What an application sends. */
export interface OutboundMessage<V = unknown> {
  /** Destination; each transport maps it (Kafka topic, RabbitMQ exchange or queue, SQS queue, Pulsar topic). */
  topic: string;
  /** Encoded by the producer's serializer. */
  value: V;
  /** Partitioning and ordering key. */
  key?: string | Uint8Array;
  headers?: Headers;
  /** Explicit partition; overrides the partitioner. */
  partition?: number;
  /** Milliseconds since the epoch; defaults to the time of `send()`. */
  timestamp?: number;
  /** Idempotency key, mapped to each broker's deduplication. */
  id?: string;
  /** Delay before the broker delivers it, where the transport supports it. */
  delayMs?: number;
}

/** Acknowledgment level. `none` resolves once written; `leader` and `all` wait for the broker. */
export type Acks = "none" | "leader" | "all";

/** How a message ended up, once the broker acknowledged it. */
export interface DeliveryReport {
  topic: string;
  partition?: number;
  /** Kafka offset, or the memory broker's offset. */
  offset?: string;
  /** The broker's id for the message: Pulsar message id, SQS MessageId, AMQP message-id. */
  messageId?: string;
  /** Broker timestamp where one was returned, otherwise the message's timestamp. */
  timestamp: number;
  /** 1 for the first try. */
  attempts: number;
  /** False when acks were `none`: the request was written, nothing more is known. */
  acknowledged: boolean;
  /** Milliseconds from `send()` to this report. */
  latencyMs: number;
}
