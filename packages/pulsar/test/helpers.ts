import { randomUUID } from "node:crypto";
import type { OutboundRecord, RecordBatch, SendContext } from "@outbound/core";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import { type PulsarTransportOptions, pulsarTransport } from "../src/index.js";

export const serviceUrl = () => endpoints().pulsar;

/** A transport on the local broker, with short timeouts so a failing test fails fast. */
export function testTransport(options: Partial<PulsarTransportOptions> = {}) {
  return pulsarTransport({ serviceUrl: serviceUrl(), operationTimeoutMs: 15_000, ...options });
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** An `OutboundRecord` as the engine would hand it over. */
export function record(topic: string, value: string, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  const bytes = new TextEncoder().encode(value);
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
    sizeBytes: bytes.length,
    ...extra,
  };
}

export function batchOf(records: OutboundRecord[], acks: RecordBatch["acks"] = "all"): RecordBatch {
  const first = records[0] as OutboundRecord;
  return { topic: first.topic, partition: first.partition, acks, records };
}

export function context(timeoutMs = 30_000): SendContext {
  return { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
}

export const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
