import type { OutboundError } from "../errors/index.js";
import type { SchemaDeclaration } from "../serializer/serializer.js";
import type { Acks, Headers } from "./message.js";

/**
 * A message after serialization and partitioning: what a transport sends. Bytes only, so a
 * transport never needs the serializer.
 */
export interface OutboundRecord {
  topic: string;
  /** Chosen partition; 0 where the destination is not partitioned. */
  partition: number;
  key: Uint8Array | undefined;
  value: Uint8Array;
  headers: Headers;
  /** The serializer's content type; each transport puts it where its broker carries one. */
  contentType: string;
  timestamp: number;
  id: string | undefined;
  delayMs: number | undefined;
  /** 1 on the first try. */
  attempt: number;
  /** Key, value and header bytes, as counted against the buffer and batch limits. */
  sizeBytes: number;
}

/** Records for one destination and partition, sent as one request where the broker allows it. */
export interface RecordBatch {
  topic: string;
  partition: number;
  acks: Acks;
  records: OutboundRecord[];
  /**
   * The destination's partition count as the engine knows it (from `partitions()`, refreshed
   * every `metadataMaxAgeMs`), so a transport needs no cache of its own. Absent when a batch
   * comes from elsewhere than the engine.
   */
  partitions?: number;
  /** The serializer's schema, for brokers that enforce one (Pulsar declares it on its producer). */
  schema?: SchemaDeclaration;
}

/** Coordinates the broker gave a record it accepted. */
export interface RecordSuccess {
  ok: true;
  partition?: number;
  offset?: string;
  messageId?: string;
  timestamp?: number;
  /** False when the transport wrote it without waiting for an acknowledgment (acks `none`). */
  acknowledged?: boolean;
}

export interface RecordFailure {
  ok: false;
  error: OutboundError;
}

/** One result per record, in the batch's order. */
export type RecordResult = RecordSuccess | RecordFailure;
