import { createProducer, type DeliveryReport } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { kafkaTransport } from "../../src/index.js";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import { kafkaProxy } from "../toxiproxy.js";

const brokers = [brokerEndpoints().kafka];
const committed = createKafkaProbe({ brokers, isolation: "read_committed" });
const everything = createKafkaProbe({ brokers, isolation: "read_uncommitted" });
afterAll(async () => {
  await committed.close();
  await everything.close();
});

describe("idempotent producer", () => {
  it("produces with acks all and refuses acks leader/none per record with INVALID_CONFIG", async () => {
    const topic = uniqueTopic("idempotent");
    await committed.createTopic(topic, { partitions: 1 });
    const transport = kafkaTransport({ brokers, idempotent: true });
    try {
      expect(transport.capabilities.acks).toEqual(["all"]);
      expect(transport.capabilities.dedup.supported).toBe(true);
      const ok = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "a"), makeRecord(topic, 0, "b")]),
        sendContext(),
      );
      expect(ok.map((r) => r.ok && r.offset)).toEqual(["0", "1"]);
      const refused = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "c")], "leader"),
        sendContext(),
      );
      expect(refused[0]).toMatchObject({ ok: false, error: { code: "INVALID_CONFIG", kind: "terminal" } });
    } finally {
      await transport.close();
    }
    const read = await committed.read(topic, { count: 2, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["a", "b"]);
  });
});

/**
 * Sends 60 messages one by one while, for a few seconds, the broker's answers are held back
 * longer than the request timeout: each held request is written and stored, but times out.
 */
async function sendThroughSlowAnswers(idempotent: boolean, proxyPort: number) {
  const topic = uniqueTopic(`slow-answers-${idempotent ? "idempotent" : "plain"}`);
  await committed.createTopic(topic, { partitions: 1 });
  const proxy = await kafkaProxy(`outbound-kafka-idempotence-${proxyPort}`, proxyPort);
  const producer = createProducer({
    transport: kafkaTransport({
      brokers,
      socketFactory: proxy.socketFactory,
      idempotent,
      requestTimeout: 1000,
    }),
    serializer: "string",
  });
  let engineRetries = 0;
  producer.on("retry", () => {
    engineRetries++;
  });
  const values = Array.from({ length: 60 }, (_, i) => `m-${i}`);
  try {
    await producer.connect();
    const sends: Promise<DeliveryReport>[] = [];
    for (const [i, value] of values.entries()) {
      if (i === 20) {
        await proxy.addToxic({
          name: "slow",
          type: "latency",
          stream: "downstream",
          attributes: { latency: 3500 },
        });
      }
      if (i === 40) {
        await new Promise((r) => setTimeout(r, 4000));
        await proxy.removeToxic("slow");
      }
      sends.push(producer.send({ topic, value }));
      await new Promise((r) => setTimeout(r, 20));
    }
    const reports = await Promise.all(sends);
    const stored = (await committed.read(topic, { count: values.length, timeoutMs: 15_000 })).map((m) =>
      text(m.value),
    );
    return { values, reports, stored, engineRetries };
  } finally {
    await producer.close();
    await proxy.remove();
  }
}

describe("idempotence under lost answers (toxiproxy)", () => {
  it("without idempotence the engine's retries store duplicates: at-least-once", {
    timeout: 90_000,
  }, async () => {
    const { values, stored, engineRetries } = await sendThroughSlowAnswers(false, 19411);
    expect(engineRetries).toBeGreaterThan(0);
    expect(new Set(stored)).toEqual(new Set(values));
    expect(stored.length).toBeGreaterThan(values.length);
  });

  it("with idempotence the broker keeps each message once, in order", { timeout: 90_000 }, async () => {
    const { values, reports, stored } = await sendThroughSlowAnswers(true, 19412);
    // The fault did hit these sends: some waited out at least one lost answer.
    expect(reports.some((r) => r.latencyMs > 1000)).toBe(true);
    expect(stored).toEqual(values);
  });
});

describe("transactions (transport level)", () => {
  it("commit makes batches visible to read_committed; abort keeps them hidden", async () => {
    const topic = uniqueTopic("tx");
    await committed.createTopic(topic, { partitions: 2 });
    const transport = kafkaTransport({ brokers, transactionalId: uniqueTopic("outbound-tx") });
    try {
      expect(transport.capabilities.transactions).toBe(true);
      const first = await transport.transaction();
      const a = await first.send(makeBatch(topic, 0, [makeRecord(topic, 0, "committed-0")]));
      const b = await first.send(makeBatch(topic, 1, [makeRecord(topic, 1, "committed-1")]));
      expect([a[0]?.ok, b[0]?.ok]).toEqual([true, true]);
      await first.commit();
      expect(first.isActive()).toBe(false);

      const second = await transport.transaction();
      await second.send(makeBatch(topic, 0, [makeRecord(topic, 0, "aborted-0")]));
      await second.abort();

      const third = await transport.transaction();
      await third.send(makeBatch(topic, 1, [makeRecord(topic, 1, "committed-2")]));
      await third.commit();
    } finally {
      await transport.close();
    }
    const visible = await committed.read(topic, { count: 3, timeoutMs: 15_000 });
    expect(visible.map((m) => text(m.value)).sort()).toEqual(["committed-0", "committed-1", "committed-2"]);
    // A read_uncommitted consumer sees the aborted record too: it is in the log, marked aborted.
    const all = await everything.read(topic, { count: 4, timeoutMs: 15_000 });
    expect(all.map((m) => text(m.value)).sort()).toEqual([
      "aborted-0",
      "committed-0",
      "committed-1",
      "committed-2",
    ]);
  });

  it("without a transactionalId, transaction() is UNSUPPORTED_FEATURE", async () => {
    const transport = kafkaTransport({ brokers });
    await expect(transport.transaction()).rejects.toMatchObject({ code: "UNSUPPORTED_FEATURE" });
    await transport.close();
  });
});
