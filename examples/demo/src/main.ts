#!/usr/bin/env node
/**
 * `pnpm demo`: order events through Outbound. On the in-process broker by default; set
 * OUTBOUND_URL (for example kafka://127.0.0.1:9092) to run the same code against a real broker.
 * `pnpm demo --outbox`: the same events through the transactional outbox on SQLite.
 */
import { isOutboundError } from "@outbound/core";
import { getMemoryBroker } from "@outbound/memory";
import { runDemo } from "./run-demo.js";
import { runOutboxDemo } from "./run-outbox-demo.js";

const url = process.env.OUTBOUND_URL ?? "memory://demo?partitions=3";
const topic = process.env.DEMO_TOPIC ?? "orders";
const orders = Number(process.env.DEMO_ORDERS ?? 100);

try {
  if (process.argv.includes("--outbox")) {
    const summary = await runOutboxDemo({ orders, topic, brokerName: "demo-outbox", print: console.log });
    process.exitCode = summary.keysInOrder && summary.held === summary.committed ? 0 : 1;
  } else {
    await classicDemo();
  }
} catch (error) {
  console.error(isOutboundError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}

async function classicDemo(): Promise<void> {
  const summary = await runDemo({
    // A demo may create what it sends to: RabbitMQ declares a durable queue named after the
    // topic. (SQS queues must exist already; Kafka and Pulsar create topics on first use.)
    config: { url, rabbitmq: { destination: "queue", declare: true } },
    orders,
    topic,
    print: console.log,
    showReports: 12,
  });
  if (url.startsWith("memory://demo")) {
    // What an application test would assert: the broker holds every event, per order in order.
    const held = getMemoryBroker("demo").messages(topic).length;
    console.log(`  broker holds ${held} messages on "${topic}"`);
  }
  process.exitCode = summary.failed === 0 ? 0 : 1;
}
