/** Outbound's own transaction API, `producer.transaction(work)`, on real Kafka. */
import { createProducer, OutboundError } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { kafkaTransport } from "../../src/index.js";
import { brokerEndpoints, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";

const brokers = [brokerEndpoints().kafka];
const committed = createKafkaProbe({ brokers, isolation: "read_committed" });
const everything = createKafkaProbe({ brokers, isolation: "read_uncommitted" });
afterAll(async () => {
  await committed.close();
  await everything.close();
});

function transactionalProducer() {
  return createProducer({
    transport: kafkaTransport({ brokers, transactionalId: uniqueTopic("outbound-producer-tx") }),
    serializer: "string",
  });
}

describe("producer.transaction()", () => {
  it("commits everything sent in the work together, and hides what an aborted transaction sent", async () => {
    const topic = uniqueTopic("producer-tx");
    await committed.createTopic(topic, { partitions: 3 });
    const producer = transactionalProducer();
    try {
      const reports = await producer.transaction(async (tx) =>
        Promise.all(["c-0", "c-1", "c-2", "c-3"].map((value, i) => tx.send({ topic, key: `k${i}`, value }))),
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
    // The aborted record is in the log, marked aborted: only read_uncommitted sees it.
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
    const producer = createProducer({ transport: kafkaTransport({ brokers }) });
    try {
      await expect(producer.transaction(async () => undefined)).rejects.toMatchObject({
        code: "UNSUPPORTED_FEATURE",
      });
    } finally {
      await producer.close();
    }
  });
});
