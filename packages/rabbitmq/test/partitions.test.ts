import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost, rabbitmqctl } from "./rabbitmqctl.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("rabbitmq: partitioned destinations <topic>-<p>", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let queueProbe: RabbitProbe;
  let exchangeProbe: RabbitProbe;
  const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(async () => {
    vhost = await createTestVhost("partitions");
    queueProbe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
    exchangeProbe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "exchange" });
  });
  afterAll(async () => {
    await queueProbe?.close();
    await exchangeProbe?.close();
    await vhost?.remove();
  });

  it("queue mode with configured partitions declares <topic>-<p> queues and routes each key to one of them", async () => {
    const topic = unique("qp");
    const transport = rabbitmqTransport({
      url: vhost.url,
      destination: "queue",
      partitions: { [topic]: 3 },
      declare: true,
    });
    expect(await transport.partitions(topic)).toBe(3);
    const producer = createProducer({ transport, serializer: "string" });
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `customer-${i % 10}`);
      const reports = await Promise.all(
        keys.map((key, i) => producer.send({ topic, key, value: `${key}|${i}` })),
      );
      const reportedPartition = new Map(keys.map((key, i) => [`${key}|${i}`, reports[i]?.partition]));
      // The probe reads the three queues the transport declared; which queue holds a message is its partition.
      await queueProbe.createTopic(topic, { partitions: 3 });
      const held = await queueProbe.read(topic, { count: 30, timeoutMs: 10_000 });
      expect(held).toHaveLength(30);
      const partitionsOfKey = new Map<string, Set<number>>();
      for (const m of held) {
        const value = text(m.value);
        expect(reportedPartition.get(value), value).toBe(m.partition);
        const key = value.split("|")[0]!;
        partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(m.partition));
        expect(text(m.key!)).toBe(key);
      }
      for (const [key, used] of partitionsOfKey) expect(used.size, key).toBe(1);
      expect(new Set(held.map((m) => m.partition)).size).toBeGreaterThan(1);
    } finally {
      await producer.close();
    }
  });

  it("exchange mode discovers the partition queues and publishes with routing key <topic>-<p>", async () => {
    const topic = unique("xp");
    await exchangeProbe.createTopic(topic, { partitions: 4 });
    const transport = rabbitmqTransport({ url: vhost.url });
    expect(await transport.partitions(topic)).toBe(4);
    expect(await transport.partitions(unique("not-partitioned"))).toBe(1);
    const producer = createProducer({ transport, serializer: "string" });
    try {
      const report = await producer.send({ topic, value: "pinned", partition: 3 });
      expect(report.partition).toBe(3);
      const held = await exchangeProbe.read(topic, { count: 2, timeoutMs: 2_000 });
      expect(held.map((m) => [m.partition, text(m.value)])).toEqual([[3, "pinned"]]);
    } finally {
      await producer.close();
    }
  });

  it("declare: quorum queues and a topic exchange bound with # take every key", async () => {
    const topic = unique("quorum");
    const transport = rabbitmqTransport({
      url: vhost.url,
      destination: "exchange",
      declare: { exchangeType: "topic", queues: true, quorum: true },
    });
    const producer = createProducer({ transport, serializer: "string" });
    try {
      await producer.send({ topic, key: "eu.orders", value: "a" });
      await producer.send({ topic, key: "us.refunds", value: "b" });
      await producer.send({ topic, value: "keyless" });
      const listing = await rabbitmqctl("list_queues", "--vhost", vhost.vhost, "name", "type", "durable");
      const line = listing.split("\n").find((l) => l.startsWith(`${topic}\t`));
      expect(line?.split("\t").slice(1)).toEqual(["quorum", "true"]);
      const held = await queueProbe.read(topic, { count: 4, timeoutMs: 3_000 });
      expect(held.map((m) => text(m.value))).toEqual(["a", "b", "keyless"]);
      expect(held.map((m) => (m.key ? text(m.key) : undefined))).toEqual([
        "eu.orders",
        "us.refunds",
        undefined,
      ]);
    } finally {
      await producer.close();
    }
  });
});
