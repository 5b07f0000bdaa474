import type { Acks, OutboundRecord, RecordBatch } from "@outbound/core";

const utf8 = new TextEncoder();

/** An OutboundRecord as the engine would hand it to a transport. */
export function record(value: string | Uint8Array, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  const bytes = typeof value === "string" ? utf8.encode(value) : value;
  return {
    topic: "t",
    partition: 0,
    key: undefined,
    value: bytes,
    headers: {},
    contentType: "application/octet-stream",
    timestamp: 1_700_000_000_000,
    id: undefined,
    delayMs: undefined,
    attempt: 1,
    sizeBytes: bytes.byteLength,
    ...extra,
  };
}

export function batch(
  topic: string,
  records: OutboundRecord[],
  partition = 0,
  acks: Acks = "all",
): RecordBatch {
  return { topic, partition, acks, records: records.map((r) => ({ ...r, topic, partition })) };
}

export function bytes(text: string): Uint8Array {
  return utf8.encode(text);
}
