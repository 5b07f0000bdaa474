import { randomUUID } from "node:crypto";
import { type Consumer, Kafka, logLevel, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../endpoints.mjs";
import { kafkaSaslUser } from "../index.mjs";

// The raw kafkajs client proves the broker itself, independently of Outbound's Kafka transport.
const clientOptions = { clientId: "outbound-smoke", logLevel: logLevel.NOTHING, retry: { retries: 2 } };

async function readOne(kafka: Kafka, topic: string): Promise<{ key: string; value: string }> {
  const consumer: Consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing read from ${topic} in 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({ key: message.key?.toString() ?? "", value: message.value?.toString() ?? "" });
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe("kafka broker", () => {
  const kafka = new Kafka({ ...clientOptions, brokers: [endpoints().kafka] });
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it("stores a message on a created topic and serves it back", async () => {
    const topic = `smoke-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const [result] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: "k1", value: "hello kafka" }],
    });
    await producer.disconnect();
    expect(result?.errorCode).toBe(0);

    await expect(readOne(kafka, topic)).resolves.toEqual({ key: "k1", value: "hello kafka" });
  });

  it("deletes topics", async () => {
    const topic = `smoke-delete-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    await expect
      .poll(async () => (await admin.listTopics()).includes(topic), { timeout: 15_000 })
      .toBe(false);
  });
});

describe("kafka SASL listener", () => {
  const sasl = (mechanism: "scram-sha-256" | "scram-sha-512" | "plain", password: string): SASLOptions =>
    ({ mechanism, username: kafkaSaslUser.username, password }) as SASLOptions;

  for (const mechanism of ["scram-sha-256", "scram-sha-512", "plain"] as const) {
    it(`authenticates with ${mechanism} and serves a message back`, async () => {
      const kafka = new Kafka({
        ...clientOptions,
        brokers: [endpoints().kafkaSasl],
        sasl: sasl(mechanism, kafkaSaslUser.password),
      });
      const topic = `smoke-sasl-${randomUUID()}`;
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: mechanism, value: "over sasl" }] });
      await producer.disconnect();
      await expect(readOne(kafka, topic)).resolves.toEqual({ key: mechanism, value: "over sasl" });
    });

    it(`rejects a wrong password with ${mechanism}`, async () => {
      const kafka = new Kafka({
        ...clientOptions,
        retry: { retries: 0 },
        brokers: [endpoints().kafkaSasl],
        sasl: sasl(mechanism, "not-the-password"),
      });
      const producer = kafka.producer();
      await expect(producer.connect()).rejects.toThrow(/SASL|[Aa]uthentication/);
      await producer.disconnect();
    });
  }
});
