import { createProducer, type DeliveryReport } from "@outbound/core";
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
import { connectionsApiChannel } from "@platformatic/kafka";
import { afterAll, describe, expect, it } from "vitest";
import { kafkaTransport } from "../../src/index.js";

const brokers = [brokerEndpoints().kafka];
const probe = createKafkaProbe({ brokers });
afterAll(() => probe.close());

const PRODUCE = 0;

/**
 * Counts the Produce requests the client writes while `work` runs, and the most that were in
 * flight at once, from the client's own diagnostics channel (what went on the wire).
 */
async function watchProduceRequests<T>(
  work: () => Promise<T>,
): Promise<{ result: T; requests: number; maxInFlight: number }> {
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const handlers = {
    start(context: { apiKey?: number }) {
      if (context.apiKey !== PRODUCE) return;
      requests++;
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
    },
    asyncEnd(context: { apiKey?: number }) {
      if (context.apiKey === PRODUCE) inFlight--;
    },
    error(context: { apiKey?: number }) {
      if (context.apiKey === PRODUCE) inFlight--;
    },
  };
  const channel = connectionsApiChannel as unknown as {
    subscribe(h: object): void;
    unsubscribe(h: object): void;
  };
  channel.subscribe(handlers);
  try {
    return { result: await work(), requests, maxInFlight };
  } finally {
    channel.unsubscribe(handlers);
  }
}

describe("the sender on the real broker", () => {
  it("puts every ready partition's batch for the broker in one Produce request", async () => {
    const topic = uniqueTopic("one-request");
    await probe.createTopic(topic, { partitions: 8 });
    const producer = createProducer({ transport: kafkaTransport({ brokers }), serializer: "string" });
    try {
      // The first send learns the partition count, so the burst below is placed synchronously.
      await producer.send({ topic, key: "warm", value: "warm" });
      const messages = Array.from({ length: 800 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` }));
      const { result, requests } = await watchProduceRequests(() => producer.sendMany(messages));
      expect(result.every((s) => s.status === "fulfilled")).toBe(true);
      const partitions = new Set(result.map((s) => (s.status === "fulfilled" ? s.value.partition : -1)));
      expect(partitions.size).toBe(8);
      // Eight partitions, one leader: one request.
      expect(requests).toBe(1);
    } finally {
      await producer.close();
    }
    expect(await probe.read(topic, { count: 801, timeoutMs: 15_000 })).toHaveLength(801);
  });

  it("reports each record at its batch's base offset + index, as a consumer reads it", async () => {
    const topic = uniqueTopic("offsets");
    await probe.createTopic(topic, { partitions: 3 });
    const producer = createProducer({
      transport: kafkaTransport({ brokers }),
      serializer: "string",
      batchMaxRecords: 37,
    });
    let reports: DeliveryReport[];
    try {
      reports = await Promise.all(
        Array.from({ length: 900 }, (_, i) => producer.send({ topic, key: `k${i % 50}`, value: `v${i}` })),
      );
    } finally {
      await producer.close();
    }
    expect(producer.metrics().requests).toBeGreaterThan(3);
    const read = await probe.read(topic, { count: 900, timeoutMs: 20_000 });
    const where = new Map(read.map((m) => [text(m.value), `${m.partition}@${m.offset}`]));
    expect(where.size).toBe(900);
    const mismatched = reports.filter(
      (report, i) => `${report.partition}@${report.offset}` !== where.get(`v${i}`),
    );
    expect(mismatched).toEqual([]);
  });

  it("keeps every record once and in order under retries with several requests in flight", {
    timeout: 90_000,
  }, async () => {
    const topic = uniqueTopic("order-under-retries");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafka-order", 19431);
    const producer = createProducer({
      transport: kafkaTransport({
        brokers: ["127.0.0.1:19431"],
        brokerAddress: () => ({ host: "127.0.0.1", port: 19431 }),
        requestTimeoutMs: 1000,
      }),
      serializer: "string",
      batchMaxRecords: 20,
      lingerMs: 5,
    });
    let retries = 0;
    producer.on("retry", () => {
      retries++;
    });
    const values = Array.from({ length: 3000 }, (_, i) => `m-${i}`);
    try {
      await producer.connect();
      const { result: reports, maxInFlight } = await watchProduceRequests(async () => {
        const sends: Promise<DeliveryReport>[] = [];
        for (const [i, value] of values.entries()) {
          // Two faults mid-stream, each longer than the request timeout, while sends keep coming.
          if (i === 800)
            await proxy.addToxic({
              name: "slow",
              type: "latency",
              stream: "downstream",
              attributes: { latency: 1500 },
            });
          if (i === 1000) await new Promise((r) => setTimeout(r, 2500));
          if (i === 1400) await proxy.removeToxic("slow");
          if (i === 1800)
            await proxy.addToxic({
              name: "reset",
              type: "reset_peer",
              stream: "upstream",
              attributes: { timeout: 300 },
            });
          if (i === 1900) await new Promise((r) => setTimeout(r, 1200));
          if (i === 2000) await proxy.removeToxic("reset");
          sends.push(producer.send({ topic, value }));
          if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        return Promise.all(sends);
      });
      expect(reports).toHaveLength(values.length);
      expect(retries).toBeGreaterThan(0);
      // Several requests for the partition were in flight at once: the order below is the
      // sequence numbers' doing, not one-at-a-time sending.
      expect(maxInFlight).toBeGreaterThan(1);
      const offsets = reports.map((r) => Number(r.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    } finally {
      await producer.close();
      await proxy.remove();
    }
    const stored = (await probe.read(topic, { count: values.length, timeoutMs: 30_000 })).map((m) =>
      text(m.value),
    );
    expect(stored).toEqual(values);
  });
});

describe("network faults through toxiproxy", () => {
  const proxied = (port: number, options: Parameters<typeof kafkaTransport>[0] = {}) =>
    kafkaTransport({
      ...options,
      brokers: [`127.0.0.1:${port}`],
      brokerAddress: () => ({ host: "127.0.0.1", port }),
    });

  it("an answer later than the request timeout: resent with its sequence numbers, stored once", async () => {
    const topic = uniqueTopic("slow-answer");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafka-timeout", 19432);
    const slow = proxied(19432, { requestTimeoutMs: 1500 });
    try {
      expect(await slow.partitions(topic)).toBe(1);
      const [warm] = await slow.send(makeBatch(topic, 0, [makeRecord(topic, 0, "warm")]), sendContext());
      expect(warm?.ok).toBe(true);
      await proxy.addToxic({
        name: "slow",
        type: "latency",
        stream: "downstream",
        attributes: { latency: 2500 },
      });
      const removed = new Promise((r) => setTimeout(r, 4000)).then(() => proxy.removeToxic("slow"));
      let attempts = 0;
      const context = { ...sendContext(20_000), retrying: () => void attempts++ };
      const [result] = await slow.send(makeBatch(topic, 0, [makeRecord(topic, 0, "once")]), context);
      await removed;
      expect(result).toMatchObject({ ok: true, offset: "1" });
      expect(attempts).toBeGreaterThan(0);
      const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value))).toEqual(["warm", "once"]);
    } finally {
      await proxy.remove();
      await slow.close();
    }
  });

  it("answers held past the delivery deadline: TIMEOUT unknown-outcome at the deadline", async () => {
    const topic = uniqueTopic("deadline");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafka-deadline", 19433);
    const slow = proxied(19433, { requestTimeoutMs: 30_000 });
    try {
      expect(await slow.partitions(topic)).toBe(1);
      // Open the connection to the leader first: the held answer is then the produce's own.
      const [warm] = await slow.send(makeBatch(topic, 0, [makeRecord(topic, 0, "warm")]), sendContext());
      expect(warm?.ok).toBe(true);
      await proxy.addToxic({
        name: "held",
        type: "timeout",
        stream: "downstream",
        attributes: { timeout: 0 },
      });
      const started = performance.now();
      const [result] = await slow.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "maybe")]),
        sendContext(2000),
      );
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({ ok: false, error: { code: "TIMEOUT", kind: "unknown-outcome" } });
      expect(elapsed).toBeGreaterThanOrEqual(1990);
      expect(elapsed).toBeLessThan(2200);
    } finally {
      await proxy.remove();
      await slow.close();
    }
    // Why unknown-outcome and not failed: the request reached the broker, which stored it.
    const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["warm", "maybe"]);
  });

  it("a broker that never finishes the handshake: the batch is never written, so TIMEOUT retriable", async () => {
    const topic = uniqueTopic("never-written");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafka-unwritten", 19435);
    const stuck = proxied(19435, { requestTimeoutMs: 30_000 });
    try {
      expect(await stuck.partitions(topic)).toBe(1);
      // The leader's connection is opened only now, and its ApiVersions answer never comes.
      await proxy.addToxic({
        name: "held",
        type: "timeout",
        stream: "downstream",
        attributes: { timeout: 0 },
      });
      const [result] = await stuck.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "never")]),
        sendContext(1500),
      );
      expect(result).toMatchObject({ ok: false, error: { code: "TIMEOUT", kind: "retriable" } });
    } finally {
      await proxy.remove();
      await stuck.close();
    }
    expect(await probe.read(topic, { count: 1, timeoutMs: 3000 })).toEqual([]);
  });

  it("a connection reset during the produce request: resent on a new connection, stored once", async () => {
    const topic = uniqueTopic("reset");
    await probe.createTopic(topic, { partitions: 1 });
    const proxy = await kafkaProxy("outbound-kafka-reset", 19434);
    const flaky = proxied(19434, { requestTimeoutMs: 5000 });
    try {
      expect(await flaky.partitions(topic)).toBe(1);
      await proxy.addToxic({
        name: "reset",
        type: "reset_peer",
        stream: "upstream",
        attributes: { timeout: 0 },
      });
      setTimeout(() => void proxy.removeToxic("reset"), 1500);
      const [result] = await flaky.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "after reset")]),
        sendContext(15_000),
      );
      expect(result).toMatchObject({ ok: true, offset: "0" });
    } finally {
      await proxy.remove();
      await flaky.close();
    }
    const read = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["after reset"]);
  });
});
