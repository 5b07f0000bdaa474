import { createProducer } from "@outbound/core";
import { brokerEndpoints, createKafkaProbe, text, uniqueTopic } from "@outbound/kafka-test-kit";
import { afterAll, describe, expect, it } from "vitest";

const bootstrap = brokerEndpoints().kafka;
const probe = createKafkaProbe({ brokers: [bootstrap] });
afterAll(() => probe.close());

describe("choosing the kafkajs transport by configuration", () => {
  it.each([
    ["a kafkajs:// URL", { url: `kafkajs://${bootstrap}` }],
    [
      'transport: "kafkajs" with a kafkajs section',
      { transport: "kafkajs", kafkajs: { brokers: [bootstrap] } },
    ],
    // Moving from @outbound/kafka's kafkajs days: the same URL and section, one word changed.
    [
      'transport: "kafkajs" with a kafka:// URL and a kafka section',
      { transport: "kafkajs", url: `kafka://${bootstrap}`, kafka: { clientId: "moved" } },
    ],
  ] as const)("%s loads @outbound/kafkajs and delivers", async (_, config) => {
    const topic = uniqueTopic("select");
    await probe.createTopic(topic, { partitions: 2 });
    const producer = createProducer({ ...config, serializer: "string" });
    try {
      expect(producer.transportName).toBe("kafkajs");
      const report = await producer.send({ topic, key: "k", value: "chosen by config" });
      expect(report).toMatchObject({ topic, acknowledged: true, offset: "0" });
    } finally {
      await producer.close();
    }
    const [read] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(text(read?.value)).toBe("chosen by config");
  });
});
