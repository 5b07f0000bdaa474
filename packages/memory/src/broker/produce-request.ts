import type { Acks, Headers } from "@outbound/core";

/** One record of a produce request: the bytes and metadata a transport hands the broker. */
export interface ProduceRecord {
  key: Uint8Array | undefined;
  value: Uint8Array;
  headers: Headers;
  contentType?: string;
  timestamp: number;
  id?: string | undefined;
  delayMs?: number | undefined;
}

/** Records for one topic and partition, as a transport sends them. `RecordBatch` fits this shape. */
export interface ProduceRequest {
  topic: string;
  partition: number;
  acks: Acks;
  records: readonly ProduceRecord[];
}

/** A record with its destination, as fault predicates see it. */
export interface AddressedRecord extends ProduceRecord {
  topic: string;
  partition: number;
}

/**
 * When a held request (latency, hang, pause) is abandoned. The engine's `SendContext` fits this
 * shape; `signal` is read only once a request is actually held.
 */
export interface ProduceOptions {
  /** Abandons the request, unstored, when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Abandons the request, unstored, after this many milliseconds of being held. */
  readonly timeoutMs?: number | undefined;
}
