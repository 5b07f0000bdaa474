import { connect } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";
import { batch, record, sendContext } from "./records.js";

describe("rabbitmq: nacked publishes (basic.nack)", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;
  const unique = () => `nack-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(async () => {
    vhost = await createTestVhost("nack");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  it("a queue that rejects publishes past its length nacks exactly those; the held ones are ok", async () => {
    // `reject-publish` makes RabbitMQ nack a publish the full queue refuses, by delivery tag.
    const topic = unique();
    const admin = await connect(vhost.url);
    try {
      const channel = await admin.createChannel();
      await channel.assertQueue(topic, {
        durable: false,
        arguments: { "x-max-length": 3, "x-overflow": "reject-publish" },
      });
    } finally {
      await admin.close();
    }
    // Nothing declared by the transport, so the queue keeps its arguments.
    const transport = rabbitmqTransport({ url: vhost.url, destination: "queue" });
    try {
      const values = Array.from({ length: 8 }, (_, i) => `m-${i}`);
      const results = await transport.send(
        batch(
          topic,
          values.map((value) => record(topic, value)),
        ),
        sendContext(),
      );
      expect(results.map((r) => (r.ok ? "ok" : `${r.error.code}/${r.error.kind}`))).toEqual([
        ...Array(3).fill("ok"),
        ...Array(5).fill("REJECTED/retriable"),
      ]);
      // Asks for one more than were acked: a nacked publish must not be held.
      const held = await probe.read(topic, { count: 4, timeoutMs: 2_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual(["m-0", "m-1", "m-2"]);
      expect(transport.confirmWindow.outstanding).toBe(0);
    } finally {
      await transport.close();
    }
  });
});
