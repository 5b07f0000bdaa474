import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { amqpUrl, createTestVhost } from "./rabbitmqctl.js";

describe("rabbitmq: selected by URL through the core registry", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;

  beforeAll(async () => {
    vhost = await createTestVhost("url");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  it("an amqp:// URL loads @outbound/rabbitmq, takes its options section, and never prints the password", async () => {
    const topic = `url-${Date.now()}`;
    await probe.createTopic(topic, { partitions: 1 });
    const url = amqpUrl(vhost.vhost, { username: "guest", password: "guest" });
    const producer = createProducer({ url, rabbitmq: { destination: "queue" }, serializer: "string" });
    try {
      expect(producer.transportName).toBe("rabbitmq");
      const report = await producer.send({ topic, value: "via-url", id: "order-7" });
      expect(report).toMatchObject({ acknowledged: true, messageId: "order-7" });
      const [held] = await probe.read(topic, { count: 1, timeoutMs: 5_000 });
      expect(held).toMatchObject({ messageId: "order-7", contentType: "text/plain; charset=utf-8" });
      expect(JSON.stringify(producer.describeConfig())).not.toContain(":guest@");
    } finally {
      await producer.close();
    }
  });
});
