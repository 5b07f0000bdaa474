import { createProducer, OutboundError } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, makeBatch, makeRecord, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

/** Kafka transactions, through the transport and through `producer.transaction(work)`. */
export function transactionSuite(subject: KafkaSubject): void {
  const brokers = [brokerEndpoints().kafka];
  const committed = createKafkaProbe({ brokers, isolation: "read_committed" });
  const everything = createKafkaProbe({ brokers, isolation: "read_uncommitted" });
  afterAll(async () => {
    await committed.close();
    await everything.close();
  });

  const transactionalProducer = () =>
    createProducer({
      transport: subject.transport({ brokers, transactionalId: uniqueTopic(`outbound-${subject.name}-tx`) }),
      serializer: "string",
    });

  describe("transactions (transport level)", () => {
    it("commit makes batches visible to read_committed; abort keeps them hidden", async () => {
      const topic = uniqueTopic("tx");
      await committed.createTopic(topic, { partitions: 2 });
      const transport = subject.transport({ brokers, transactionalId: uniqueTopic("outbound-tx") });
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
      const transport = subject.transport({ brokers });
      await expect(transport.transaction()).rejects.toMatchObject({ code: "UNSUPPORTED_FEATURE" });
      await transport.close();
    });
  });

  describe("producer.transaction()", () => {
    it("commits everything sent in the work together, and hides what an aborted transaction sent", async () => {
      const topic = uniqueTopic("producer-tx");
      await committed.createTopic(topic, { partitions: 3 });
      const producer = transactionalProducer();
      try {
        const reports = await producer.transaction(async (tx) =>
          Promise.all(
            ["c-0", "c-1", "c-2", "c-3"].map((value, i) => tx.send({ topic, key: `k${i}`, value })),
          ),
        );
        expect(reports.every((r) => r.acknowledged && r.offset !== undefined)).toBe(true);

        const failure = new Error("the work failed half way");
        const aborted = producer.transaction(async (tx) => {
          await tx.send({ topic, key: "k0", value: "aborted-0" });
          throw failure;
        });
        await expect(aborted).rejects.toBe(failure);

        await producer.transaction(async (tx) => {
          await tx.send({ topic, key: "k1", value: "c-4" });
        });
      } finally {
        await producer.close();
      }
      const visible = await committed.read(topic, { count: 5, timeoutMs: 15_000 });
      expect(visible.map((m) => text(m.value)).sort()).toEqual(["c-0", "c-1", "c-2", "c-3", "c-4"]);
      const all = await everything.read(topic, { count: 6, timeoutMs: 15_000 });
      expect(all.map((m) => text(m.value))).toContain("aborted-0");
    });

    it("bad input inside the work rejects that send; the transaction is then not committed if the work throws", async () => {
      const topic = uniqueTopic("producer-tx-bad");
      await committed.createTopic(topic, { partitions: 1 });
      const producer = transactionalProducer();
      try {
        const outcome = producer.transaction(async (tx) => {
          await tx.send({ topic, value: "kept-if-committed" });
          await tx.send({ topic: "", value: "no topic" });
        });
        await expect(outcome).rejects.toBeInstanceOf(OutboundError);
        await expect(outcome).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
      } finally {
        await producer.close();
      }
      const visible = await committed.read(topic, { count: 1, timeoutMs: 3_000 });
      expect(visible).toEqual([]);
    });

    it("is UNSUPPORTED_FEATURE without a transactionalId", async () => {
      const producer = createProducer({ transport: subject.transport({ brokers }) });
      try {
        await expect(producer.transaction(async () => undefined)).rejects.toMatchObject({
          code: "UNSUPPORTED_FEATURE",
        });
      } finally {
        await producer.close();
      }
    });
  });
}
