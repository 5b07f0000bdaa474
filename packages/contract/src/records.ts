import type { Acks, OutboundRecord, RecordBatch, SendContext } from "@outbound/core";

const utf8 = new TextEncoder();

/**
 * An `OutboundRecord` as the engine hands it to a transport, for tests that drive
 * `Transport.send` directly. The value is UTF-8 encoded when it is a string, and `sizeBytes`
 * follows it unless an override says otherwise.
 */
export function record(
  topic: string,
  value: string | Uint8Array = "hello",
  overrides: Partial<OutboundRecord> = {},
): OutboundRecord {
  const bytes = typeof value === "string" ? utf8.encode(value) : value;
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

/**
 * A batch of `records` for one destination. The engine only batches records of one topic and
 * partition, so both are taken from the first record unless given.
 */
export function batchOf(
  records: OutboundRecord[],
  options: { acks?: Acks; topic?: string; partition?: number; partitions?: number } = {},
): RecordBatch {
  const first = records[0];
  return {
    topic: options.topic ?? first?.topic ?? "",
    partition: options.partition ?? first?.partition ?? 0,
    acks: options.acks ?? "all",
    records,
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
  };
}

/**
 * A send context as the engine gives one: `timeoutMs` and a signal that aborts when it has
 * passed. Pass a `signal` of your own to control when (or whether) it aborts.
 */
export function sendContext(
  timeoutMs = 30_000,
  signal: AbortSignal = AbortSignal.timeout(timeoutMs),
): SendContext {
  return { signal, timeoutMs };
}
