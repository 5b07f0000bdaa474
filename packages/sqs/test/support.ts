import { endpoints } from "@outbound/brokers-tool/endpoints";
import { batchOf, record as contractRecord, sendContext } from "@outbound/contract";
import type { OutboundRecord, RecordBatch, RecordResult, SendContext } from "@outbound/core";
import type { SqsTransportOptions } from "../src/config.js";
import { sqsTransport } from "../src/index.js";
import type { SqsTransport } from "../src/transport.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./probe.js";

export const sqsEndpoint = () => endpoints().sqs;

/** A transport against the test broker, with dummy credentials. */
export function testTransport(options: SqsTransportOptions = {}): SqsTransport {
  return sqsTransport({
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

/** A record as the engine hands it over: "hello" unless `overrides.value` says otherwise. */
export function record(topic: string, overrides: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord(topic, overrides.value ?? "hello", overrides);
}

export function batch(topic: string, records: OutboundRecord[]): RecordBatch {
  return batchOf(records, { topic, partition: 0 });
}

/** A send context whose signal never aborts: these tests time out through `timeoutMs` alone. */
export function context(timeoutMs = 30_000): SendContext {
  return sendContext(timeoutMs, new AbortController().signal);
}

/** Codes of failed results, "ok" for successes: easy to compare in one assertion. */
export function outcomes(results: RecordResult[]): string[] {
  return results.map((r) => (r.ok ? "ok" : r.error.code));
}
