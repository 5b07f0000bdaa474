import type { Acks } from "../message/index.js";

/**
 * What a transport can do and its limits. The engine checks every message against it at
 * `send()` time; the contract suite and the docs' Characteristics tables read the same object.
 */
export interface Capabilities {
  /** Most records the broker takes in one request. */
  maxBatchRecords: number;
  /** Most bytes the broker takes in one request. */
  maxBatchBytes: number;
  /** Largest single message (key + value + headers) the broker accepts. */
  maxMessageBytes: number;
  /** Whether destinations have several partitions that `partitions(topic)` reports. */
  partitioned: boolean;
  /** Scope in which messages with the same key keep their order. */
  keyOrdering: "partition" | "group" | "queue" | "none";
  headers: {
    supported: boolean;
    /** Most headers per message, where the broker limits them (SQS: 10 attributes). */
    maxCount?: number;
    /** Whether byte-array header values arrive byte-exact. */
    binaryValues: boolean;
  };
  /** Broker-side deduplication by `id`. */
  dedup: { supported: boolean; windowMs?: number };
  /** `delayMs` support and its ceiling. */
  delay: { supported: boolean; maxMs?: number };
  /** Whether the message timestamp reaches the broker. */
  timestamps: boolean;
  /** Acknowledgment levels the transport implements. */
  acks: readonly Acks[];
  transactions: boolean;
  /** The partitioner used for keyed messages unless the user picks one. */
  defaultPartitioner: "murmur2" | "murmur3" | "java-string-hash";
  /**
   * Requests the engine may have in flight per partition without risking reordering under
   * retries. The engine uses 1 unless the user raises it (or the transport guarantees order).
   */
  orderedInFlight: number;
  /**
   * Who resends a batch after a retriable failure. `"engine"` (the default): the engine puts the
   * records back at the head of their lane and sends them again, possibly cut into other batches.
   * `"transport"`: the transport resends the same batch itself until the context's deadline, and
   * the engine takes every failure it reports as final. Kafka's idempotent producer needs this:
   * the broker recognises a retry only by the batch's producer id, epoch and sequence numbers, so
   * re-batching a retry would store it twice.
   */
  retries?: "engine" | "transport";
}

export function describeCapabilities(c: Capabilities): Record<string, string> {
  return {
    "max message bytes": String(c.maxMessageBytes),
    "max batch records": String(c.maxBatchRecords),
    "max batch bytes": String(c.maxBatchBytes),
    partitioned: c.partitioned ? "yes" : "no",
    "key ordering": c.keyOrdering,
    headers: c.headers.supported
      ? `yes${c.headers.maxCount ? ` (max ${c.headers.maxCount})` : ""}${c.headers.binaryValues ? ", binary" : ", text only"}`
      : "no",
    dedup: c.dedup.supported ? `yes${c.dedup.windowMs ? ` (${c.dedup.windowMs} ms window)` : ""}` : "no",
    delay: c.delay.supported ? `yes${c.delay.maxMs ? ` (max ${c.delay.maxMs} ms)` : ""}` : "no",
    timestamps: c.timestamps ? "yes" : "no",
    acks: c.acks.join(", "),
    transactions: c.transactions ? "yes" : "no",
    "default partitioner": c.defaultPartitioner,
  };
}
