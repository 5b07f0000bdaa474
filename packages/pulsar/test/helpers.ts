import { randomUUID } from "node:crypto";
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

/** A record as the engine would hand it over, and a batch and send context for it. */
export { batchOf, record, sendContext as context } from "@outbound/contract";

export const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
