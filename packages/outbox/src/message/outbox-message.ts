import type { Headers } from "@outbound/core";

/**
 * A message as the outbox stores it: the producer's fields, with the value already serialized
 * by the outbox's serializer. This is what the relay hands to `producer.sendSerialized`.
 */
export interface StoredOutboxMessage {
  topic: string;
  key: Uint8Array | undefined;
  headers: Headers;
  value: Uint8Array;
  contentType: string;
  /** The message `id` the relay sends: the caller's, or a UUID made by `add()`. */
  id: string;
  partition: number | undefined;
  timestamp: number | undefined;
  delayMs: number | undefined;
}

/** A row of the outbox table, as a store reads it back. */
export interface OutboxRow extends StoredOutboxMessage {
  /** Position in the table; rows of one topic and key are published in this order. */
  seq: number;
  /** When `add()` wrote it, ms since the epoch. */
  createdAt: number;
  /** Failed sends so far (retried ones; the row is still pending). */
  attempts: number;
}
