import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { captureLogs } from "./log-capture.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";

const MESSAGES = 10_000;

describe("rabbitmq: connections closed by the broker mid-stream", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;

  beforeAll(async () => {
    vhost = await createTestVhost("conn-loss");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "exchange" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  it("loses no acknowledged message of a 10k stream across close_all_connections (duplicates allowed, counted)", async () => {
    const topic = `conn-loss-${Date.now()}`;
    await probe.createTopic(topic, { partitions: 1 });
    const logs = captureLogs();
    const producer = createProducer({
      transport: rabbitmqTransport({ url: vhost.url }, { logger: logs }),
      serializer: "string",
      deliveryTimeoutMs: 60_000,
    });
    await producer.connect();
    let retries = 0;
    producer.on("retry", () => {
      retries += 1;
    });

    const acked = new Set<string>();
    const failed: string[] = [];
    const sends: Promise<unknown>[] = [];
    const drops: Promise<void>[] = [];
    // Paced over a few seconds so the cuts (rabbitmqctl needs ~1.5 s to act) land mid-stream.
    for (let i = 0; i < MESSAGES; i++) {
      const value = `m-${i}`;
      sends.push(
        producer.send({ topic, value }).then(
          () => acked.add(value),
          (error: { code?: string }) => failed.push(`${value}: ${error.code}`),
        ),
      );
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 60));
      if (i === 1_000 || i === 5_000) drops.push(probe.dropConnections());
    }
    await Promise.all(drops);
    await Promise.all(sends);
    await producer.close({ timeoutMs: 10_000 });

    expect(failed).toEqual([]);
    expect(acked.size).toBe(MESSAGES);
    // The cut must really have hit the stream, or this test proves nothing.
    expect(logs.messages.filter((m) => m.includes("connection lost")).length).toBeGreaterThanOrEqual(1);

    const depth = await probe.depth(topic);
    const held = await probe.read(topic, { count: depth, timeoutMs: 60_000 });
    const values = held.map((m) => new TextDecoder().decode(m.value));
    const unique = new Set(values);
    const lost = [...acked].filter((value) => !unique.has(value));
    const duplicates = values.length - unique.size;
    console.info(
      `close_all_connections: ${MESSAGES} acked, ${lost.length} lost, ${duplicates} duplicates, ${retries} retries`,
    );
    expect(lost).toEqual([]);
    for (const value of unique) expect(value).toMatch(/^m-\d+$/);
  }, 180_000);
});
