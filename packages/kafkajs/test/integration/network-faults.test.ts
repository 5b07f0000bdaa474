import type { OutboundError } from "@outbound/core";
import {
  brokerEndpoints,
  createKafkaProbe,
  kafkaProxy,
  makeBatch,
  makeRecord,
  sendContext,
  text,
  uniqueTopic,
} from "@outbound/kafka-test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { kafkajsTransport } from "../../src/index.js";

// kafkajs's own behaviour under network faults: the engine does the retrying, so the transport
// reports the first failure of each request as it is.
const brokers = [brokerEndpoints().kafka];
const probe = createKafkaProbe({ brokers });
afterAll(() => probe.close());

async function rejection(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    return error as OutboundError;
  }
  throw new Error("expected a rejection");
}

describe("network faults through toxiproxy", () => {
  it("no answer after the request was written is TIMEOUT unknown-outcome, and the broker did store it", async () => {
    const topic = uniqueTopic("slow-answer");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafkajs-timeout", 19192);
    const slow = kafkajsTransport({ brokers, socketFactory: proxy.socketFactory, requestTimeoutMs: 1500 });
    try {
      await slow.connect();
      expect(await slow.partitions(topic)).toBe(1);
      // Open the connection to the partition leader first, so the slow answer is the produce's.
      const [warm] = await slow.send(makeBatch(topic, 0, [makeRecord(topic, 0, "warm")]), sendContext());
      expect(warm?.ok).toBe(true);
      // Answers from the broker are held back for 4 s; the request itself goes through.
      await proxy.addToxic({
        name: "slow",
        type: "latency",
        stream: "downstream",
        attributes: { latency: 4000 },
      });
      const started = Date.now();
      const error = await rejection(
        slow.send(makeBatch(topic, 0, [makeRecord(topic, 0, "maybe")]), sendContext(10_000)),
      );
      expect(error).toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
      expect(Date.now() - started).toBeLessThan(4000);
      // Why unknown-outcome and not failed: the broker has it.
      const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value))).toEqual(["warm", "maybe"]);
    } finally {
      await proxy.remove();
      await slow.close();
    }
  });

  it("a connection reset during the produce request is BROKER_UNAVAILABLE unknown-outcome, then recovers", async () => {
    const topic = uniqueTopic("reset");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafkajs-reset", 19193);
    const flaky = kafkajsTransport({ brokers, socketFactory: proxy.socketFactory, requestTimeoutMs: 5000 });
    try {
      await flaky.connect();
      expect(await flaky.partitions(topic)).toBe(1);
      await proxy.addToxic({
        name: "reset",
        type: "reset_peer",
        stream: "upstream",
        attributes: { timeout: 0 },
      });
      const error = await rejection(
        flaky.send(makeBatch(topic, 0, [makeRecord(topic, 0, "lost?")]), sendContext(10_000)),
      );
      expect(error).toMatchObject({ code: "BROKER_UNAVAILABLE", kind: "unknown-outcome" });
      await proxy.removeToxic("reset");
      // The engine's retry: the same transport reconnects by itself.
      const [ok] = await flaky.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "after")]),
        sendContext(10_000),
      );
      expect(ok?.ok).toBe(true);
    } finally {
      await proxy.remove();
      await flaky.close();
    }
  });
});
