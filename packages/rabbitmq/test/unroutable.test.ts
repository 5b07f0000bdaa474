import { createProducer, OutboundError } from "@outbound/core";
import { connect } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";
import { batch, record, sendContext } from "./records.js";

describe("rabbitmq: unroutable messages (mandatory + basic.return)", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;
  const unique = () => `unroutable-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(async () => {
    vhost = await createTestVhost("unroutable");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  /** A direct exchange whose only binding sends key "in" to a queue; any other key has no route. */
  async function directExchangeRoutingIn(): Promise<{ topic: string; held: string }> {
    const topic = unique();
    const held = `${topic}-held`;
    await probe.createTopic(held, { partitions: 1 });
    const admin = await connect(vhost.url);
    try {
      const channel = await admin.createChannel();
      await channel.assertExchange(topic, "direct", { durable: false });
      await channel.bindQueue(held, topic, "in");
    } finally {
      await admin.close();
    }
    return { topic, held };
  }

  it("a message to a queue that does not exist fails with UNKNOWN_DESTINATION and is never reported delivered", async () => {
    const producer = createProducer({
      transport: rabbitmqTransport({ url: vhost.url, destination: "queue" }),
      serializer: "string",
    });
    try {
      let acked = 0;
      producer.on("ack", () => {
        acked += 1;
      });
      const error = await producer.send({ topic: unique(), value: "nowhere" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OutboundError);
      expect(error).toMatchObject({ code: "UNKNOWN_DESTINATION", kind: "terminal" });
      expect(acked).toBe(0);
    } finally {
      await producer.close();
    }
  });

  it("in one batch, exactly the returned publish fails; its neighbours are confirmed and held", async () => {
    const routable = unique();
    await probe.createTopic(routable, { partitions: 1 });
    const missing = unique();
    const transport = rabbitmqTransport({ url: vhost.url, destination: "queue" });
    try {
      await transport.connect();
      // One batch per destination, sent together so the return and the acks interleave on one channel.
      const [good, bad] = await Promise.all([
        transport.send(
          batch(
            routable,
            Array.from({ length: 50 }, (_, i) => record(routable, `ok-${i}`)),
          ),
          sendContext(),
        ),
        transport.send(
          batch(
            missing,
            Array.from({ length: 5 }, (_, i) => record(missing, `lost-${i}`)),
          ),
          sendContext(),
        ),
      ]);
      expect(good.every((r) => r.ok)).toBe(true);
      expect(bad.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(Array(5).fill("UNKNOWN_DESTINATION"));
      const held = await probe.read(routable, { count: 51, timeoutMs: 2_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value)).toSorted()).toEqual(
        Array.from({ length: 50 }, (_, i) => `ok-${i}`).toSorted(),
      );
    } finally {
      await transport.close();
    }
  });

  it("interleaved in one batch: each returned publish fails alone, between routed ones", async () => {
    // Exchange mode on a direct exchange bound with key "in" only: keys "out" have no route.
    const { topic, held } = await directExchangeRoutingIn();
    const transport = rabbitmqTransport({ url: vhost.url, destination: "exchange" });
    try {
      const keys = ["in", "out", "in", "in", "out", "in"];
      const results = await transport.send(
        batch(
          topic,
          keys.map((key, i) => record(topic, `${key}-${i}`, { key: new TextEncoder().encode(key) })),
        ),
        sendContext(),
      );
      expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(
        keys.map((key) => (key === "in" ? "ok" : "UNKNOWN_DESTINATION")),
      );
      // Asks for one more than expected: nothing unroutable may have been held anywhere.
      const arrived = await probe.read(held, { count: 5, timeoutMs: 2_000 });
      expect(arrived.map((m) => new TextDecoder().decode(m.value))).toEqual(["in-0", "in-2", "in-3", "in-5"]);
    } finally {
      await transport.close();
    }
  });

  it("across a batch larger than the window, every returned publish fails and only those", async () => {
    // Thousands of publishes with a small window: confirms arrive both one by one and as
    // `multiple` ranges while returns interleave, and the window wraps many times over.
    const { topic, held } = await directExchangeRoutingIn();
    const transport = rabbitmqTransport({ url: vhost.url, destination: "exchange", confirmWindow: 1_500 });
    try {
      const keys = Array.from({ length: 4_000 }, (_, i) =>
        i % 97 === 5 || i % 1_000 === 999 ? "out" : "in",
      );
      const results = await transport.send(
        batch(
          topic,
          keys.map((key, i) => record(topic, `${key}-${i}`, { key: new TextEncoder().encode(key) })),
        ),
        sendContext(60_000),
      );
      const expected = keys.map((key) => (key === "in" ? "ok" : "UNKNOWN_DESTINATION"));
      expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(expected);
      const routed = keys.flatMap((key, i) => (key === "in" ? [`in-${i}`] : []));
      const arrived = await probe.read(held, { count: routed.length + 1, timeoutMs: 5_000 });
      expect(arrived.map((m) => new TextDecoder().decode(m.value))).toEqual(routed);
      expect(transport.confirmWindow).toMatchObject({ outstanding: 0, peak: 1_500 });
    } finally {
      await transport.close();
    }
  });

  it.each(["exchange", "queue"] as const)(
    "a %s name over AMQP's 255 bytes, with declare, is INVALID_MESSAGE at once, not retried to the deadline",
    async (destination) => {
      // It used to be retried as BROKER_UNAVAILABLE until deliveryTimeoutMs: the broker closes the
      // channel on a name it cannot read, which looked like a lost connection.
      const producer = createProducer({
        transport: rabbitmqTransport({ url: vhost.url, destination, declare: { queues: true } }),
        serializer: "string",
        deliveryTimeoutMs: 20_000,
      });
      try {
        await producer.connect();
        const started = performance.now();
        const settled = await producer.sendMany([
          { topic: `${unique()}-${"n".repeat(300)}`, value: "too long a name" },
          { topic: unique(), value: "a fine name" },
        ]);
        const elapsed = performance.now() - started;
        expect(settled[0]?.status).toBe("rejected");
        const reason = settled[0]?.status === "rejected" ? settled[0].reason : undefined;
        expect(reason).toMatchObject({ code: "INVALID_MESSAGE", kind: "terminal" });
        expect(String(reason?.message)).toMatch(/255/);
        expect(settled[1]?.status, String(settled[1]?.status === "rejected" && settled[1].reason)).toBe(
          "fulfilled",
        );
        expect(elapsed).toBeLessThan(5_000);
      } finally {
        await producer.close();
      }
    },
  );
});
