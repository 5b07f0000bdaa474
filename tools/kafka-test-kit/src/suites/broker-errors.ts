import type { OutboundError, RecordResult } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

export async function rejection(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    return error as OutboundError;
  }
  throw new Error("expected a rejection");
}

export function failure(result: RecordResult | undefined): OutboundError {
  if (!result || result.ok) throw new Error(`expected a failed record, got ${JSON.stringify(result)}`);
  return result.error;
}

/** Broker errors provoked on the real broker, and what each transport makes of them. */
export function brokerErrorSuite(subject: KafkaSubject): void {
  const brokers = [brokerEndpoints().kafka];
  const probe = createKafkaProbe({ brokers });
  const transport = subject.transport({ brokers, clientId: `outbound-${subject.name}-errors` });

  beforeAll(() => transport.connect());
  afterAll(async () => {
    await transport.close();
    await probe.close();
  });

  describe("broker errors, provoked on the real broker", () => {
    it("MESSAGE_TOO_LARGE fails only the oversize record of a batch (topic max.message.bytes)", async () => {
      const topic = uniqueTopic("too-large");
      await probe.createTopic(topic, { partitions: 1, configs: { "max.message.bytes": "2000" } });
      const big = "x".repeat(5000);
      const records = ["a", "b", big, "c", "d"].map((v) => makeRecord(topic, 0, v));
      const results = await transport.send(makeBatch(topic, 0, records), sendContext());
      expect(results).toHaveLength(5);
      expect(failure(results[2])).toMatchObject({
        code: "MESSAGE_TOO_LARGE",
        kind: "terminal",
        brokerCode: "MESSAGE_TOO_LARGE",
      });
      for (const i of [0, 1, 3, 4]) expect(results[i]?.ok).toBe(true);
      // Order is kept: the records around the oversize one got increasing offsets.
      expect([0, 1, 3, 4].map((i) => (results[i]?.ok ? Number(results[i].offset) : -1))).toEqual([
        0, 1, 2, 3,
      ]);
      const read = await probe.read(topic, { count: 4, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value))).toEqual(["a", "b", "c", "d"]);
    });

    it("MESSAGE_TOO_LARGE for a batch of small records that is too large together: split, all delivered", async () => {
      const topic = uniqueTopic("batch-too-large");
      await probe.createTopic(topic, { partitions: 1, configs: { "max.message.bytes": "3000" } });
      const records = Array.from({ length: 8 }, (_, i) => makeRecord(topic, 0, `${i}`.padEnd(900, "y")));
      const results = await transport.send(makeBatch(topic, 0, records), sendContext());
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => r.ok && r.offset)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
      const read = await probe.read(topic, { count: 8, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value)?.[0])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    });

    it("an invalid topic name is a terminal UNKNOWN_DESTINATION (INVALID_TOPIC_EXCEPTION)", async () => {
      const error = await rejection(transport.partitions("not a valid topic!"));
      expect(error).toMatchObject({
        code: "UNKNOWN_DESTINATION",
        kind: "terminal",
        brokerCode: "INVALID_TOPIC_EXCEPTION",
      });
      const sent = transport.send(
        makeBatch("bad/topic", 0, [makeRecord("bad/topic", 0, "v")]),
        sendContext(),
      );
      const outcome = await sent.then(
        (results) => failure(results[0]),
        (error: OutboundError) => error,
      );
      expect(outcome).toMatchObject({ code: "UNKNOWN_DESTINATION", kind: "terminal" });
    });

    it("an unknown topic with auto-creation off is UNKNOWN_DESTINATION", async () => {
      const strict = subject.transport({ brokers, allowAutoTopicCreation: false });
      try {
        const topic = uniqueTopic("missing");
        const error = await rejection(strict.partitions(topic));
        expect(error).toMatchObject({
          code: "UNKNOWN_DESTINATION",
          kind: "terminal",
          brokerCode: "UNKNOWN_TOPIC_OR_PARTITION",
        });
      } finally {
        await strict.close();
      }
    });

    // NOT_ENOUGH_REPLICAS cannot be provoked on a one-broker cluster: Kafka 4.x caps the effective
    // min.insync.replicas at the replication factor (KIP-966). The cluster fault matrix provokes it.

    it("a broker that is not there is a retriable BROKER_UNAVAILABLE, within the connection timeout", async () => {
      // Port 1 on loopback: nothing listens, the connection is refused at once.
      const nowhere = subject.transport({ brokers: ["127.0.0.1:1"], connectionTimeoutMs: 1000 });
      const started = Date.now();
      const error = await rejection(nowhere.connect());
      expect(error).toMatchObject({ code: "BROKER_UNAVAILABLE", kind: "retriable", transport: subject.name });
      expect(Date.now() - started).toBeLessThan(5000);
      await nowhere.close();
    });

    it("a closed transport rejects sends with CLOSED", async () => {
      const closing = subject.transport({ brokers });
      await closing.connect();
      await closing.close();
      const topic = uniqueTopic("closed");
      const error = await rejection(
        closing.send(makeBatch(topic, 0, [makeRecord(topic, 0, "v")]), sendContext()),
      );
      expect(error).toMatchObject({ code: "CLOSED" });
    });
  });
}
