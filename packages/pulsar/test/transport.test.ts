import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import type { PulsarTransport } from "../src/index.js";
import { pulsarAdmin } from "./admin.js";
import { holdPulsarExclusively } from "./exclusive-broker.js";
import { batchOf, context, record, testTransport, text, uniqueTopic } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

const probe = createPulsarProbe();
const admin = pulsarAdmin();
let transport: PulsarTransport;
let release: () => void = () => {};

beforeAll(async () => {
  release = await holdPulsarExclusively();
  transport = testTransport();
  await transport.connect();
}, 16 * 60_000);

afterAll(async () => {
  await transport?.close();
  await probe.close();
  release();
});

async function publisherStats(topic: string): Promise<{ producerName: string; connectedSince: string }[]> {
  const response = await fetch(`${endpoints().pulsarHttp}/admin/v2/persistent/public/default/${topic}/stats`);
  return ((await response.json()) as { publishers: { producerName: string; connectedSince: string }[] })
    .publishers;
}

describe("sending", () => {
  it("sends a RecordBatch as one batched SEND and the reader sees every message in order", async () => {
    const topic = uniqueTopic("batch");
    await probe.createTopic(topic, { partitions: 1 });
    expect(await transport.partitions(topic)).toBe(1);
    const records = Array.from({ length: 50 }, (_, i) => record(topic, `m-${i}`));
    const results = await transport.send(batchOf(records), context());
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = results.map((r) => (r.ok ? r.messageId : undefined));
    // One SEND: one ledger entry, batch indexes 0..49, partition -1 (not partitioned).
    expect(new Set(ids.map((id) => id?.split(":").slice(0, 2).join(":"))).size).toBe(1);
    expect(ids.map((id) => id?.split(":").slice(2).join(":"))).toEqual(records.map((_, i) => `-1:${i}`));
    const read = await probe.read(topic, { count: 50, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(records.map((r) => text(r.value)));
    expect(read.map((m) => m.messageId)).toEqual(ids);
  });

  it("produces to <topic>-partition-<n> of a partitioned topic", async () => {
    const topic = uniqueTopic("parts");
    await probe.createTopic(topic, { partitions: 3 });
    expect(await transport.partitions(topic)).toBe(3);
    for (const partition of [0, 1, 2]) {
      const records = [0, 1].map((i) => record(topic, `p${partition}-${i}`, { partition }));
      const results = await transport.send(batchOf(records), context());
      for (const [i, result] of results.entries()) {
        expect(result).toMatchObject({ ok: true, partition });
        expect(result.ok && result.messageId?.split(":").slice(2).join(":")).toBe(`${partition}:${i}`);
      }
    }
    const read = await probe.read(topic, { count: 6, timeoutMs: 15_000 });
    expect(read).toHaveLength(6);
    for (const message of read) expect(text(message.value).startsWith(`p${message.partition}-`)).toBe(true);
  });

  it("takes the partition count from the batch, and refuses a partition past it with UNKNOWN_DESTINATION", async () => {
    const topic = uniqueTopic("count");
    await probe.createTopic(topic, { partitions: 3 });
    // A transport that never answered partitions(): the kind is looked up once, the count is the batch's.
    const fresh = testTransport();
    try {
      const sent = await fresh.send(
        batchOf([record(topic, "p2", { partition: 2 })], { partitions: 3 }),
        context(),
      );
      expect(sent[0]).toMatchObject({ ok: true, partition: 2 });
      expect(sent[0]!.ok && sent[0]!.messageId?.split(":")[2]).toBe("2");
      const past = await fresh.send(
        batchOf([record(topic, "p5", { partition: 5 })], { partitions: 3 }),
        context(),
      );
      expect(past[0]).toMatchObject({ ok: false, error: { code: "UNKNOWN_DESTINATION" } });
      expect(past[0]!.ok ? "" : past[0]!.error.message).toContain("has no partition 5 (partitions: 3)");
    } finally {
      await fresh.close();
    }
    const read = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(read.map((m) => [text(m.value), m.partition])).toEqual([["p2", 2]]);
  });

  it("carries headers as properties, the key, content type, id and event time", async () => {
    const topic = uniqueTopic("fields");
    const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5);
    const records = [
      record(topic, "with-key", {
        key: new TextEncoder().encode("order-17"),
        headers: { tenant: "acme", trace: new TextEncoder().encode("abc") },
        contentType: "application/json",
        id: "id-1",
        timestamp,
      }),
      record(topic, "no-key"),
    ];
    const results = await transport.send(batchOf(records), context());
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const [first, second] = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
    expect(first?.key && text(first.key)).toBe("order-17");
    expect(first?.headers).toMatchObject({ tenant: "acme", trace: "abc", "message-id": "id-1" });
    expect(first?.contentType).toBe("application/json");
    expect(first?.timestamp).toBe(timestamp);
    expect(second?.key).toBeUndefined();
    expect(second?.contentType).toBe("text/plain");
  });

  it("fails only the record whose header is not UTF-8; the rest are stored", async () => {
    const topic = uniqueTopic("badheader");
    const records = [
      record(topic, "ok-1"),
      record(topic, "bad", { headers: { raw: new Uint8Array([0xff, 0xfe]) } }),
      record(topic, "ok-2"),
    ];
    const results = await transport.send(batchOf(records), context());
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: { code: "INVALID_MESSAGE", kind: "terminal" } });
    expect(results[2]?.ok).toBe(true);
    const read = await probe.read(topic, { count: 3, timeoutMs: 4_000 });
    expect(read.map((m) => text(m.value))).toEqual(["ok-1", "ok-2"]);
  });

  it.each([
    { compression: "zlib" as const, label: "ZLIB", fill: "x" },
    // The broker's Java client decodes the raw LZ4 block with the uncompressed size from the
    // metadata; a frame or a length prefix would fail to decompress and the reader would get nothing.
    { compression: "lz4" as const, label: "LZ4 (raw block)", fill: "y" },
  ])(
    "compresses batches with $label and the broker's reader decompresses them",
    async ({ compression, fill }) => {
      const compressed = testTransport({ compression });
      try {
        const topic = uniqueTopic(compression);
        const records = Array.from({ length: 20 }, (_, i) =>
          record(topic, `compressible-${fill.repeat(500)}-${i}`),
        );
        const results = await compressed.send(batchOf(records), context());
        expect(results.every((r) => r.ok)).toBe(true);
        const read = await probe.read(topic, { count: 20, timeoutMs: 15_000 });
        expect(read.map((m) => text(m.value))).toEqual(records.map((r) => text(r.value)));
        // The stored entry is smaller than the raw payload: compression happened on the wire.
        const stats = await fetch(
          `${endpoints().pulsarHttp}/admin/v2/persistent/public/default/${topic}/stats`,
        );
        const { bytesInCounter } = (await stats.json()) as { bytesInCounter: number };
        expect(bytesInCounter).toBeLessThan(20 * 500);
      } finally {
        await compressed.close();
      }
    },
  );

  it("acks none resolves without waiting and the message still arrives", async () => {
    const topic = uniqueTopic("acksnone");
    const results = await transport.send(batchOf([record(topic, "fire")], { acks: "none" }), context());
    expect(results[0]).toMatchObject({ ok: true, acknowledged: false });
    const read = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["fire"]);
  });

  it("holds a delayMs message back from a Shared subscription until deliver_at_time", async () => {
    const topic = uniqueTopic("delay");
    await probe.createTopic(topic, { partitions: 1 });
    const consumer = new WebSocket(
      `${endpoints().pulsarHttp.replace(/^http/, "ws")}/ws/v2/consumer/persistent/public/default/${topic}/sub?subscriptionType=Shared`,
    );
    const arrivals: { value: string; at: number }[] = [];
    consumer.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { messageId: string; payload: string };
      consumer.send(JSON.stringify({ messageId: message.messageId }));
      arrivals.push({ value: Buffer.from(message.payload, "base64").toString(), at: Date.now() });
    });
    await new Promise((resolve, reject) => consumer.once("open", resolve).once("error", reject));
    try {
      const sentAt = Date.now();
      const results = await transport.send(
        batchOf([record(topic, "now"), record(topic, "later", { delayMs: 3_000 }), record(topic, "now-2")]),
        context(),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      await expect.poll(() => arrivals.length, { timeout: 15_000, interval: 100 }).toBe(3);
      const later = arrivals.find((a) => a.value === "later");
      expect(later && later.at - sentAt).toBeGreaterThanOrEqual(2_900);
      expect(arrivals.filter((a) => a.value.startsWith("now")).every((a) => a.at - sentAt < 2_500)).toBe(
        true,
      );
    } finally {
      consumer.close();
    }
  });
});

describe("errors", () => {
  it("reports a name Pulsar cannot take as UNKNOWN_DESTINATION per record", async () => {
    const results = await transport.send(batchOf([record("a/b", "x")]), context());
    expect(results[0]).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_DESTINATION", transport: "pulsar" },
    });
    await expect(transport.partitions("a//b")).rejects.toMatchObject({ code: "UNKNOWN_DESTINATION" });
  });

  it("reports a partition the topic does not have as UNKNOWN_DESTINATION", async () => {
    const topic = uniqueTopic("range");
    await probe.createTopic(topic, { partitions: 2 });
    const results = await transport.send(batchOf([record(topic, "x", { partition: 5 })]), context());
    expect(results[0]).toMatchObject({ ok: false, error: { code: "UNKNOWN_DESTINATION" } });
  });

  it("fails a message above the broker's max_message_size with MESSAGE_TOO_LARGE, not the others", async () => {
    const big = testTransport({ maxMessageBytes: 8 * 1024 * 1024 });
    try {
      const topic = uniqueTopic("large");
      const huge = record(topic, "y".repeat(5 * 1024 * 1024 + 1));
      const results = await big.send(
        batchOf([record(topic, "small-1"), huge, record(topic, "small-2")]),
        context(),
      );
      expect(results[0]?.ok).toBe(true);
      expect(results[1]).toMatchObject({ ok: false, error: { code: "MESSAGE_TOO_LARGE", kind: "terminal" } });
      expect(results[2]?.ok).toBe(true);
    } finally {
      await big.close();
    }
  });

  it("maps a broker rejection (a second exclusive producer is fenced) to a typed terminal error", async () => {
    const topic = uniqueTopic("exclusive");
    const owner = testTransport({ accessMode: "Exclusive" });
    const intruder = testTransport({ accessMode: "Exclusive" });
    try {
      expect((await owner.send(batchOf([record(topic, "mine")]), context()))[0]?.ok).toBe(true);
      const failure = await intruder
        .send(batchOf([record(topic, "theirs")]), context())
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({
        name: "OutboundError",
        code: "REJECTED",
        kind: "terminal",
        transport: "pulsar",
        brokerCode: "ProducerFenced",
      });
    } finally {
      await owner.close();
      await intruder.close();
    }
  });
});

describe("producer names", () => {
  it("refuses a second producer with the same fixed name at once (ProducerBusy, terminal)", async () => {
    const topic = uniqueTopic("named");
    const name = `outbound-${uniqueTopic("name")}`;
    const first = testTransport({ producerName: name });
    const second = testTransport({ producerName: name });
    try {
      expect((await first.send(batchOf([record(topic, "a")]), context()))[0]?.ok).toBe(true);
      const started = Date.now();
      const failure = await second.send(batchOf([record(topic, "b")]), context()).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: "REJECTED", brokerCode: "ProducerBusy" });
      expect(Date.now() - started).toBeLessThan(10_000);
      const [publisher] = await publisherStats(topic);
      expect(publisher?.producerName).toBe(name);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe("connection and producer lifecycle", () => {
  it("waits on PRODUCER_SUCCESS with producer_ready=false until exclusive access is free", async () => {
    const topic = uniqueTopic("wait");
    const owner = testTransport({ accessMode: "Exclusive" });
    const waiter = testTransport({ accessMode: "WaitForExclusive" });
    try {
      expect((await owner.send(batchOf([record(topic, "first")]), context()))[0]?.ok).toBe(true);
      let settled = false;
      const waiting = waiter.send(batchOf([record(topic, "second")]), context(30_000)).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(settled).toBe(false);
      await owner.close();
      const results = await waiting;
      expect(results[0]?.ok).toBe(true);
      const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value))).toEqual(["first", "second"]);
    } finally {
      await owner.close();
      await waiter.close();
    }
  });

  it("re-creates the producer after CLOSE_PRODUCER (topic unload) and keeps sending", async () => {
    const topic = uniqueTopic("unload");
    expect((await transport.send(batchOf([record(topic, "before")]), context()))[0]?.ok).toBe(true);
    const [before] = await publisherStats(topic);
    const unload = await fetch(
      `${endpoints().pulsarHttp}/admin/v2/persistent/public/default/${topic}/unload`,
      {
        method: "PUT",
      },
    );
    expect(unload.ok).toBe(true);
    const results = await transport.send(
      batchOf([record(topic, "after-1"), record(topic, "after-2")]),
      context(),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const [after] = await publisherStats(topic);
    // Same broker-assigned producer name: the producer came back as itself.
    expect(after?.producerName).toBe(before?.producerName);
    const read = await probe.read(topic, { count: 3, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["before", "after-1", "after-2"]);
  });

  it("a retry of records whose SEND timed out waits for that SEND instead of sending a copy", async () => {
    const topic = uniqueTopic("reattach");
    expect((await transport.send(batchOf([record(topic, "first")]), context()))[0]?.ok).toBe(true);
    const records = Array.from({ length: 5 }, (_, i) => record(topic, `r-${i}`));
    const release = await probe.stall();
    let timedOut: Awaited<ReturnType<typeof transport.send>>;
    try {
      timedOut = await transport.send(batchOf(records), context(500));
    } finally {
      await release();
    }
    for (const result of timedOut) {
      expect(result).toMatchObject({ ok: false, error: { code: "TIMEOUT", kind: "unknown-outcome" } });
    }
    // The engine retries with the same record objects; no dedup is on for public/default, so
    // a second SEND would store a second copy.
    for (const r of records) r.attempt++;
    const retried = await transport.send(batchOf(records), context());
    expect(retried.every((r) => r.ok && r.messageId)).toBe(true);
    const read = await probe.read(topic, { count: 6, timeoutMs: 15_000, settleMs: 2_000 });
    expect(read.map((m) => text(m.value))).toEqual(["first", ...records.map((r) => text(r.value))]);
  });

  it("keeps an idle connection alive with PING/PONG", async () => {
    const pinging = testTransport({ keepAliveIntervalMs: 200 });
    try {
      const topic = uniqueTopic("keepalive");
      expect((await pinging.send(batchOf([record(topic, "a")]), context()))[0]?.ok).toBe(true);
      const [before] = await publisherStats(topic);
      // Without PONGs the client would drop the connection after 400 ms of silence.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await pinging.send(batchOf([record(topic, "b")]), context()))[0]?.ok).toBe(true);
      const [after] = await publisherStats(topic);
      expect(after?.connectedSince).toBe(before?.connectedSince);
    } finally {
      await pinging.close();
    }
  });

  it("shares one connection per broker between producers", async () => {
    const topics = [uniqueTopic("pool"), uniqueTopic("pool")];
    for (const topic of topics)
      expect((await transport.send(batchOf([record(topic, "x")]), context()))[0]?.ok).toBe(true);
    const [a] = await publisherStats(topics[0] as string);
    const [b] = await publisherStats(topics[1] as string);
    const address = (p: unknown) => (p as { address: string }).address;
    expect(address(a)).toBe(address(b));
  });

  it("delivers through the engine: createProducer with this transport", async () => {
    const topic = uniqueTopic("engine");
    await admin.createTopic("public/default", topic, 4);
    const producer = createProducer({ transport: testTransport(), lingerMs: 5 });
    try {
      const settled = await producer.sendMany(
        Array.from({ length: 200 }, (_, i) => ({ topic, value: { i }, key: `key-${i % 10}` })),
      );
      expect(settled.every((s) => s.status === "fulfilled")).toBe(true);
      const read = await probe.read(topic, { count: 200, timeoutMs: 20_000 });
      expect(read).toHaveLength(200);
      // Keyed messages stay on one partition per key and in order within it.
      const byKey = new Map<string, { partition: number; order: number[] }>();
      for (const message of read) {
        const key = text(message.key as Uint8Array);
        const entry = byKey.get(key) ?? { partition: message.partition, order: [] };
        expect(message.partition).toBe(entry.partition);
        entry.order.push((JSON.parse(text(message.value)) as { i: number }).i);
        byKey.set(key, entry);
      }
      for (const { order } of byKey.values()) expect(order).toEqual([...order].sort((x, y) => x - y));
    } finally {
      await producer.close();
    }
  });
});
