import { createProducer, type DeliveryReport } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";
import { kafkaProxy } from "../toxiproxy.js";

/** The idempotent producer on the real broker, and what it changes when answers are lost. */
export function idempotenceSuite(subject: KafkaSubject, proxyPorts: [number, number]): void {
  const brokers = [brokerEndpoints().kafka];
  const probe = createKafkaProbe({ brokers, isolation: "read_committed" });
  afterAll(() => probe.close());

  describe("idempotent producer", () => {
    it("produces with acks all and refuses acks leader/none per record with INVALID_CONFIG", async () => {
      const topic = uniqueTopic("idempotent");
      await probe.createTopic(topic, { partitions: 1 });
      const transport = subject.transport({ brokers, idempotent: true });
      try {
        expect(transport.capabilities.acks).toEqual(["all"]);
        expect(transport.capabilities.dedup.supported).toBe(subject.dedupWhenIdempotent);
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
      const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value))).toEqual(["a", "b"]);
    });
  });

  /**
   * Sends 60 messages one by one while, for a few seconds, the broker's answers are held back
   * longer than the request timeout: each held request is written and stored, but times out.
   */
  async function sendThroughSlowAnswers(idempotent: boolean, proxyPort: number) {
    const topic = uniqueTopic(`slow-answers-${idempotent ? "idempotent" : "plain"}`);
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy(`outbound-${subject.name}-idempotence-${proxyPort}`, proxyPort);
    const producer = createProducer({
      transport: subject.transport({ brokers, proxyPort, idempotent, requestTimeoutMs: 1000 }),
      serializer: "string",
    });
    let retries = 0;
    producer.on("retry", () => {
      retries++;
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
      const stored = (await probe.read(topic, { count: values.length, timeoutMs: 15_000 })).map((m) =>
        text(m.value),
      );
      return { values, reports, stored, retries };
    } finally {
      await producer.close();
      await proxy.remove();
    }
  }

  describe("idempotence under lost answers (toxiproxy)", () => {
    it("without idempotence the retries store duplicates: at-least-once", { timeout: 90_000 }, async () => {
      const { values, stored, retries } = await sendThroughSlowAnswers(false, proxyPorts[0]);
      expect(retries).toBeGreaterThan(0);
      expect(new Set(stored)).toEqual(new Set(values));
      expect(stored.length).toBeGreaterThan(values.length);
    });

    it("with idempotence the broker keeps each message once, in order", { timeout: 90_000 }, async () => {
      const { values, reports, stored, retries } = await sendThroughSlowAnswers(true, proxyPorts[1]);
      // The fault did hit these sends: some waited out at least one lost answer. A transport that
      // resends itself reports each attempt; kafkajs's idempotent retries happen inside kafkajs.
      if (subject.retries === "transport") expect(retries).toBeGreaterThan(0);
      expect(reports.some((r) => r.latencyMs > 1000)).toBe(true);
      expect(stored).toEqual(values);
    });
  });
}
