import { record as contractRecord } from "@outbound/contract";
import type { OutboundRecord } from "@outbound/core";
import type { QueueInfo } from "../../src/queues.js";

const text = new TextEncoder();

/** A record for the queue "orders" as the engine hands it to a transport, with a fixed timestamp. */
export function record(overrides: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord("orders", overrides.value ?? "hello", { timestamp: 1_700_000_000_000, ...overrides });
}

export const standardQueue: QueueInfo = {
  name: "orders",
  url: "http://127.0.0.1:9324/000000000000/orders",
  fifo: false,
  contentBasedDeduplication: false,
};

export const fifoQueue: QueueInfo = {
  name: "orders.fifo",
  url: "http://127.0.0.1:9324/000000000000/orders.fifo",
  fifo: true,
  contentBasedDeduplication: false,
};

export const bytes = (s: string) => text.encode(s);
