import { createProducer } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";

const bootstrap = brokerEndpoints().kafka;
const probe = createKafkaProbe({ brokers: [bootstrap] });
afterAll(() => probe.close());

describe("choosing the Kafka transport by configuration", () => {
  it.each([
    ["a kafka:// URL", { url: `kafka://${bootstrap}` }],
    ['transport: "kafka" with a kafka section', { transport: "kafka", kafka: { brokers: [bootstrap] } }],
  ] as const)("%s loads @outbound/kafka and delivers", async (_, config) => {
    const topic = uniqueTopic("select");
    await probe.createTopic(topic, { partitions: 2 });
    const producer = createProducer({ ...config, serializer: "string" });
    try {
      const report = await producer.send({ topic, key: "k", value: "chosen by config" });
      expect(report).toMatchObject({ topic, acknowledged: true, offset: "0" });
    } finally {
      await producer.close();
    }
    const [read] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(text(read?.value)).toBe("chosen by config");
  });
});
