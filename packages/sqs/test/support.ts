import { endpoints } from "@outbound/brokers-tool/endpoints";
import type { OutboundRecord, RecordBatch, RecordResult, SendContext } from "@outbound/core";
import type { SqsTransportOptions } from "../src/config.js";
import { SqsTransport } from "../src/transport.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./probe.js";

export const sqsEndpoint = () => endpoints().sqs;

/** A transport against the test broker, with dummy credentials. */
export function testTransport(options: SqsTransportOptions = {}): SqsTransport {
  return new SqsTransport({
    endpoint: sqsEndpoint(),
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    ...options,
  });
}

let counter = 0;
/** A queue name no other test or run uses. */
export function uniqueQueue(base: string, fifo = false): string {
  counter++;
  const name = `${base}-${process.pid}-${Date.now().toString(36)}-${counter}`;
  return fifo ? `${name}.fifo` : name;
}

const encoder = new TextEncoder();
export const utf8 = (s: string) => encoder.encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A record as the engine hands it over, with overrides. */
export function record(topic: string, overrides: Partial<OutboundRecord> = {}): OutboundRecord {
  const value = overrides.value ?? utf8("hello");
  return {
    topic,
    partition: 0,
    key: undefined,
    value,
    headers: {},
    contentType: "text/plain",
    timestamp: Date.now(),
    id: undefined,
    delayMs: undefined,
    attempt: 1,
    sizeBytes: value.byteLength,
    ...overrides,
  };
}

export function batch(topic: string, records: OutboundRecord[]): RecordBatch {
  return { topic, partition: 0, acks: "all", records };
}

export function context(timeoutMs = 30_000): SendContext {
  return { signal: new AbortController().signal, timeoutMs };
}

/** Codes of failed results, "ok" for successes: easy to compare in one assertion. */
export function outcomes(results: RecordResult[]): string[] {
  return results.map((r) => (r.ok ? "ok" : r.error.code));
}
