import type { Acks, OutboundRecord, RecordBatch, SendContext } from "@outbound/core";

const encoder = new TextEncoder();

/** A record as the engine would hand it to the transport, for tests that drive `send` directly. */
export function record(
  topic: string,
  value: string,
  overrides: Partial<OutboundRecord> = {},
): OutboundRecord {
  const bytes = encoder.encode(value);
  return {
    topic,
    partition: 0,
    key: undefined,
    value: bytes,
    headers: {},
    contentType: "text/plain",
    timestamp: Date.now(),
    id: undefined,
    delayMs: undefined,
    attempt: 1,
    sizeBytes: bytes.byteLength,
    ...overrides,
  };
}

export function batch(
  topic: string,
  records: OutboundRecord[],
  partition = 0,
  acks: Acks = "all",
): RecordBatch {
  return { topic, partition, acks, records };
}

/** A send context with a generous deadline, as the engine gives one. */
export function sendContext(timeoutMs = 30_000): SendContext {
  return { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
}
