import { createProducer } from "@outbound/core";
import { afterEach, expect, it } from "vitest";
import { getMemoryBroker, removeMemoryBroker } from "../src/index.js";

const name = `url-${Date.now()}`;
afterEach(() => {
  removeMemoryBroker(name);
});

it("a producer built from memory://name and the test share one broker", async () => {
  const producer = createProducer({ url: `memory://${name}?partitions=3`, serializer: "json" });
  try {
    const report = await producer.send({ topic: "order-events", key: "o-1", value: { status: "paid" } });
    const broker = getMemoryBroker(name);
    expect(broker.settings.defaultPartitions).toBe(3);
    const [message] = await broker.waitFor("order-events", 1, 1_000);
    expect(message?.json()).toEqual({ status: "paid" });
    expect(message?.keyText()).toBe("o-1");
    expect(message?.contentType).toBe("application/json");
    expect(message?.partition).toBe(report.partition);
    expect(message?.offset).toBe(report.offset);
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
});

it("transport options under `memory` reach the broker", async () => {
  const producer = createProducer({
    url: `memory://${name}`,
    memory: { maxMessageBytes: 64 },
    serializer: "string",
  });
  try {
    await expect(producer.send({ topic: "t", value: "x".repeat(100) })).rejects.toMatchObject({
      code: "MESSAGE_TOO_LARGE",
    });
    expect(getMemoryBroker(name).settings.maxMessageBytes).toBe(64);
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
});

it("capabilities are known once connected, and partitions() reports the broker's count", async () => {
  const producer = createProducer({
    url: `memory://${name}?partitions=5`,
    memory: { maxMessageBytes: 4096 },
  });
  try {
    expect(producer.capabilities).toBeUndefined();
    expect(await producer.partitions("orders")).toBe(5);
    expect(producer.capabilities).toMatchObject({ maxMessageBytes: 4096, partitioned: true });
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
});

it("partitions() of a topic that does not exist rejects with UNKNOWN_DESTINATION", async () => {
  const producer = createProducer({ url: `memory://${name}?autoCreateTopics=false` });
  try {
    await expect(producer.partitions("missing")).rejects.toMatchObject({ code: "UNKNOWN_DESTINATION" });
    await expect(producer.partitions("")).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
});
