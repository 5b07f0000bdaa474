/**
 * The producer engine, driven through the memory broker with injected faults. These are the
 * engine behaviours every transport relies on: buffering, batching, retries, timeouts,
 * ordering, close and per-message settlement.
 */
import {
  createProducer,
  type DeliveryReport,
  OutboundError,
  type ProducerConfig,
  type RecordBatch,
  type RecordResult,
  type SendContext,
} from "@outbound/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type MemoryTransport, memoryTransport } from "../../src/index.js";
import { rejection } from "./rejection.js";

const producers: { close(o?: { timeoutMs?: number }): Promise<unknown> }[] = [];

function setup(config: Partial<ProducerConfig> = {}, partitions = 1) {
  const transport: MemoryTransport = memoryTransport({ partitions });
  const producer = createProducer({ transport, ...config } as ProducerConfig);
  producers.push(producer);
  return { transport, broker: transport.broker, producer };
}

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 200 })));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("bounded buffer", () => {
  it("rejects with BUFFER_FULL at once when full and onBufferFull is reject; earlier messages still deliver", async () => {
    const { broker, producer } = setup({ bufferMaxBytes: 4096, onBufferFull: "reject" });
    await producer.connect();
    broker.faults.hang();
    const value = new Uint8Array(1000);
    const accepted = [0, 1, 2, 3].map((i) =>
      producer.send({ topic: "t", value: { i, pad: Array.from(value) } }),
    );
    // Four JSON-encoded 1000-byte arrays are far over 4 KiB: some must be refused.
    const results = await Promise.allSettled(
      accepted.map((p) => Promise.race([p, sleep(50).then(() => "pending")])),
    );
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "BUFFER_FULL" });
    const stillPending = results.filter((r) => r.status === "fulfilled" && r.value === "pending").length;
    expect(stillPending).toBeGreaterThan(0);
    broker.faults.release();
    const settled = await Promise.allSettled(accepted);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(stillPending);
    expect(broker.count("t")).toBe(stillPending);
    expect(producer.metrics().rejectedBufferFull).toBe(refused.length);
  });

  it("refuses raw bytes that cannot fit before serializing, but asks a custom serializer first", async () => {
    const { broker, producer } = setup({ bufferMaxBytes: 4096, onBufferFull: "reject", serializer: "bytes" });
    await producer.connect();
    broker.faults.hang();
    const held = [producer.send({ topic: "t", value: new Uint8Array(3000) })];
    held[0]!.catch(() => undefined);
    await expect(producer.send({ topic: "t", value: new Uint8Array(3000) })).rejects.toMatchObject({
      code: "BUFFER_FULL",
    });
    // A serializer may shrink a value (compression): 1 MB in, 10 bytes out still fits.
    const shrinking = {
      contentType: "application/x-shrunk",
      serialize: () => new Uint8Array(10),
    };
    const other = setup({ bufferMaxBytes: 4096, onBufferFull: "reject", serializer: shrinking });
    await other.producer.connect();
    await expect(
      other.producer.send({ topic: "t", value: new Uint8Array(1_000_000) }),
    ).resolves.toMatchObject({
      topic: "t",
    });
  });

  it("blocks a send until space frees up, within maxBlockMs", async () => {
    const { broker, producer } = setup({ bufferMaxBytes: 2048, maxBlockMs: 2000, onBufferFull: "block" });
    await producer.connect();
    broker.faults.hang();
    const first = producer.send({ topic: "t", value: "x".repeat(1500) });
    const second = producer.send({ topic: "t", value: "y".repeat(1500) });
    let secondDone = false;
    second.then(
      () => {
        secondDone = true;
      },
      () => {
        secondDone = true;
      },
    );
    await sleep(100);
    expect(secondDone).toBe(false);
    expect(producer.metrics().blockedSends).toBe(1);
    broker.faults.release();
    await first;
    const report = await second;
    expect(report.offset).toBe("1");
    expect(broker.messages("t").map((m) => m.json<string>()[0])).toEqual(["x", "y"]);
  });

  it("fails a blocked send with BUFFER_FULL after maxBlockMs", async () => {
    const { broker, producer } = setup({ bufferMaxBytes: 2048, maxBlockMs: 150, onBufferFull: "block" });
    await producer.connect();
    broker.faults.hang();
    const first = producer.send({ topic: "t", value: "x".repeat(1500) });
    const started = performance.now();
    const error = await rejection(producer.send({ topic: "t", value: "y".repeat(1500) }));
    const waited = performance.now() - started;
    expect(error.code).toBe("BUFFER_FULL");
    expect(error.message).toContain("maxBlockMs");
    expect(waited).toBeGreaterThanOrEqual(140);
    broker.faults.release();
    await expect(first).resolves.toMatchObject({ offset: "0" });
  });

  it("a message larger than the whole buffer is MESSAGE_TOO_LARGE, not a forever block", async () => {
    const { producer } = setup({ bufferMaxBytes: 1024 });
    const error = await rejection(producer.send({ topic: "t", value: "z".repeat(5000) }));
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
  });
});

describe("batching", () => {
  it("lingerMs gathers sends made apart in time into one request", async () => {
    const { producer } = setup({ lingerMs: 80 });
    await producer.connect();
    const sends: Promise<DeliveryReport>[] = [];
    for (let i = 0; i < 5; i++) {
      sends.push(producer.send({ topic: "t", key: "k", value: i }));
      await sleep(5);
    }
    await Promise.all(sends);
    const m = producer.metrics();
    expect(m.requests).toBe(1);
    expect(m.batchRecords.max).toBe(5);
  });

  it("with lingerMs 0 a burst still forms batches, capped by batchMaxRecords", async () => {
    const { broker, producer } = setup({ batchMaxRecords: 100 });
    await producer.connect();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => producer.send({ topic: "t", value: i })));
    const m = producer.metrics();
    expect(m.requests).toBeGreaterThanOrEqual(10);
    expect(m.requests).toBeLessThan(1000);
    expect(m.batchRecords.max).toBeLessThanOrEqual(100);
    expect(broker.count("t")).toBe(1000);
  });

  it("a request never exceeds batchMaxBytes (one oversize-for-a-batch record still goes alone)", async () => {
    const { producer } = setup({ batchMaxBytes: 4000 });
    await producer.connect();
    await Promise.all(
      Array.from({ length: 20 }, () => producer.send({ topic: "t", value: "a".repeat(998) })),
    );
    const m = producer.metrics();
    expect(m.batchBytes.max).toBeLessThanOrEqual(4000);
    expect(m.requests).toBeGreaterThanOrEqual(5);
  });

  it("keyless messages stick to one partition per batch, and still spread across partitions", async () => {
    const { broker, producer } = setup({}, 4);
    await producer.connect();
    for (let round = 0; round < 40; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: "t", value: i })));
    }
    const perPartition = [0, 1, 2, 3].map((p) => broker.count("t", { partition: p }));
    expect(perPartition.reduce((a, b) => a + b)).toBe(400);
    // Sticky: each burst of 10 landed in one partition, so every count is a multiple of 10.
    for (const n of perPartition) expect(n % 10).toBe(0);
    expect(perPartition.filter((n) => n > 0).length).toBeGreaterThan(1);
  });
});

describe("partition counts", () => {
  it("a topic recreated with fewer partitions: one send fails, the next looks the count up again", async () => {
    const transport: MemoryTransport = memoryTransport({ autoCreateTopics: false });
    const producer = createProducer({ transport, metadataMaxAgeMs: 3_600_000 });
    producers.push(producer);
    transport.broker.createTopic("t", { partitions: 4 });
    // A key murmur2 places on partition 3 of 4.
    const reports = await Promise.all(
      Array.from({ length: 16 }, (_, i) => producer.send({ topic: "t", key: `k${i}`, value: "v" })),
    );
    const key = `k${reports.findIndex((r) => r.partition === 3)}`;
    transport.broker.deleteTopic("t");
    transport.broker.createTopic("t", { partitions: 2 });
    await expect(producer.send({ topic: "t", key, value: "v" })).rejects.toMatchObject({
      code: "UNKNOWN_DESTINATION",
    });
    const again = await producer.send({ topic: "t", key, value: "v" });
    expect(again.partition).toBeLessThan(2);
  });
});

describe("retries", () => {
  it("retries retriable failures with growing backoff and reports the attempts", async () => {
    const { broker, producer } = setup({ retry: { initialMs: 40, maxMs: 1000, multiplier: 2, jitter: 0 } });
    await producer.connect();
    const retries: { attempt: number; delayMs: number }[] = [];
    producer.on("retry", (e) => retries.push({ attempt: e.attempt, delayMs: e.delayMs }));
    broker.faults.failNext(2, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    const started = performance.now();
    const report = await producer.send({ topic: "t", value: "v" });
    expect(report.attempts).toBe(3);
    expect(retries).toEqual([
      { attempt: 2, delayMs: 40 },
      { attempt: 3, delayMs: 80 },
    ]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(broker.count("t")).toBe(1);
    expect(producer.metrics().retries).toBe(2);
  });

  it("draws the backoff once: the delay checked against the deadline is the delay waited", async () => {
    // Jitter 0.9 around 400 ms: a draw lands anywhere in 40..760 ms. Draws alternate between the
    // lowest and the highest, so two draws per retry would check 40 ms against the 600 ms
    // deadline, then wait 760 ms and time out; one draw retries after 40 ms and delivers.
    let draws = 0;
    const random = vi.spyOn(Math, "random").mockImplementation(() => (draws++ % 2 === 0 ? 0 : 0.999));
    try {
      const { broker, producer } = setup({
        retry: { initialMs: 400, maxMs: 400, jitter: 0.9 },
        deliveryTimeoutMs: 600,
        requestTimeoutMs: 500,
      });
      await producer.connect();
      const delays: number[] = [];
      producer.on("retry", (e) => delays.push(e.delayMs));
      broker.faults.failNext(1, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
      const report = await producer.send({ topic: "t", key: "k", value: "v" });
      expect(report.attempts).toBe(2);
      expect(delays).toEqual([40]);
      expect(draws).toBe(1);
    } finally {
      random.mockRestore();
    }
  });

  it("does not retry terminal errors", async () => {
    const { broker, producer } = setup();
    await producer.connect();
    broker.faults.failNext(1, { code: "NOT_AUTHORIZED" });
    const error = await rejection(producer.send({ topic: "t", value: "v" }));
    expect(error.code).toBe("NOT_AUTHORIZED");
    expect(error.kind).toBe("terminal");
    expect(producer.metrics().retries).toBe(0);
    expect(broker.count("t")).toBe(0);
  });

  it("keeps per-key order when a request fails and is retried", async () => {
    const { broker, producer } = setup({ retry: { initialMs: 10, maxMs: 50 } }, 1);
    await producer.connect();
    broker.faults.latency(2);
    const sends: Promise<DeliveryReport>[] = [];
    for (let i = 0; i < 300; i++) {
      if (i === 50 || i === 170) broker.faults.failNext(1, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
      sends.push(producer.send({ topic: "t", key: "same-key", value: i }));
      if (i % 25 === 0) await sleep(1);
    }
    await Promise.all(sends);
    expect(producer.metrics().retries).toBeGreaterThan(0);
    expect(broker.messages("t").map((m) => m.json<number>())).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });
});

describe("delivery timeout", () => {
  it("fails a message the broker never answers within deliveryTimeoutMs, as an unknown outcome", async () => {
    // requestTimeoutMs is left out: it shrinks to fit the 300 ms deadline (both given would be refused).
    const { broker, producer } = setup({ deliveryTimeoutMs: 300 });
    await producer.connect();
    broker.faults.hang();
    const started = performance.now();
    const error = await rejection(producer.send({ topic: "t", value: "v" }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe("TIMEOUT");
    expect(error.kind).toBe("unknown-outcome");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it("gives up retrying once the next attempt would pass deliveryTimeoutMs", async () => {
    const { broker, producer } = setup({
      deliveryTimeoutMs: 400,
      retry: { initialMs: 50, maxMs: 100, jitter: 0 },
    });
    await producer.connect();
    broker.faults.failNext(1000, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    const started = performance.now();
    const error = await rejection(producer.send({ topic: "t", value: "v" }));
    expect(error.code).toBe("BROKER_UNAVAILABLE");
    expect(error.message).toContain("deliveryTimeoutMs");
    // Well before the 1000 queued failures would run out (50-100 ms apart); loose for loaded machines.
    expect(performance.now() - started).toBeLessThan(1500);
    expect(broker.count("t")).toBe(0);
  });

  it("expires queued messages even while the transport is paused", async () => {
    const { broker, producer } = setup({ deliveryTimeoutMs: 250 });
    await producer.connect();
    broker.faults.pause("test flow control");
    const error = await rejection(producer.send({ topic: "t", value: "v" }));
    expect(error.code).toBe("TIMEOUT");
    broker.faults.resume();
    expect(broker.count("t")).toBe(0);
  });
});

describe("close", () => {
  it("returns the messages it could not deliver, and their sends reject", async () => {
    const { broker, producer } = setup({ lingerMs: 0 }, 1);
    await producer.connect();
    broker.faults.hang();
    const sends = Array.from({ length: 5 }, (_, i) => producer.send({ topic: "t", key: "k", value: i }));
    const outcomes = Promise.allSettled(sends);
    await sleep(20);
    const { undelivered } = await producer.close({ timeoutMs: 100 });
    expect(undelivered.map((u) => u.message.value).sort()).toEqual([0, 1, 2, 3, 4]);
    const settled = await outcomes;
    expect(settled.every((s) => s.status === "rejected")).toBe(true);
    // In-flight ones may have reached the broker: they say so. Queued ones say they were never sent.
    const codes = new Set(undelivered.map((u) => u.error.code));
    for (const code of codes) expect(["TIMEOUT", "CLOSED"]).toContain(code);
    broker.faults.release();
  });

  it("delivers everything buffered before resolving when the broker answers", async () => {
    const { broker, producer } = setup({ lingerMs: 1000 });
    await producer.connect();
    const sends = Array.from({ length: 50 }, (_, i) => producer.send({ topic: "t", value: i }));
    const { undelivered } = await producer.close({ timeoutMs: 2000 });
    expect(undelivered).toEqual([]);
    await Promise.all(sends);
    expect(broker.count("t")).toBe(50);
  });

  it("rejects sends after close with CLOSED", async () => {
    const { producer } = setup();
    await producer.close();
    const error = await rejection(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("CLOSED");
  });

  it("flush waits for everything buffered, ignoring linger", async () => {
    const { broker, producer } = setup({ lingerMs: 5000 });
    await producer.connect();
    const sends = Array.from({ length: 10 }, (_, i) => producer.send({ topic: "t", value: i }));
    const started = performance.now();
    await producer.flush();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(broker.count("t")).toBe(10);
    await Promise.all(sends);
  });
});

describe("per-message settlement", () => {
  it("a partial batch failure fails only the bad records; the rest of the batch is stored", async () => {
    const { broker, producer } = setup();
    await producer.connect();
    broker.faults.rejectWhen((r) => Buffer.from(r.value).toString().includes("bad"), { code: "REJECTED" });
    const values = ["ok-0", "bad-1", "ok-2", "bad-3", "ok-4"];
    const settled = await producer.sendMany(values.map((value) => ({ topic: "t", value })));
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    for (const s of settled) if (s.status === "rejected") expect(s.reason.code).toBe("REJECTED");
    expect(broker.messages("t").map((m) => m.json<string>())).toEqual(["ok-0", "ok-2", "ok-4"]);
    expect(producer.metrics()).toMatchObject({ acked: 3, failed: 2 });
  });

  it("bad input fails alone with a typed error and never takes other messages down", async () => {
    const { broker, producer } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const settled = await producer.sendMany<unknown>([
      { topic: "t", value: "good-1" },
      null as never,
      { topic: "", value: 1 },
      { topic: "t", value: cyclic },
      { topic: "t", value: 1, key: 42 as never },
      { topic: "t", value: 1, headers: { h: 5 as never } },
      { topic: "t", value: 1, partition: 7 },
      { topic: "t", value: "good-2" },
    ]);
    expect(settled.map((s) => (s.status === "fulfilled" ? "ok" : s.reason.code))).toEqual([
      "ok",
      "INVALID_MESSAGE",
      "INVALID_MESSAGE",
      "SERIALIZATION_FAILED",
      "INVALID_MESSAGE",
      "INVALID_MESSAGE",
      "INVALID_MESSAGE",
      "ok",
    ]);
    expect(broker.messages("t").map((m) => m.json<string>())).toEqual(["good-1", "good-2"]);
  });

  it("acks none resolves with acknowledged: false", async () => {
    const { producer } = setup({ acks: "none" });
    const report = await producer.send({ topic: "t", value: 1 });
    expect(report.acknowledged).toBe(false);
  });

  it("every message gets exactly one ack or failure event", async () => {
    const { broker, producer } = setup({ retry: { initialMs: 5, maxMs: 20 } }, 3);
    await producer.connect();
    let acks = 0;
    let failures = 0;
    producer.on("ack", () => acks++);
    producer.on("failure", () => failures++);
    broker.faults.failNext(3, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    broker.faults.rejectWhen((r) => r.key !== undefined && Buffer.from(r.key).toString() === "k7", {
      code: "REJECTED",
    });
    await producer.sendMany(
      Array.from({ length: 200 }, (_, i) => ({ topic: "t", key: `k${i % 10}`, value: i })),
    );
    expect(acks + failures).toBe(200);
    expect(failures).toBe(20);
    expect(producer.metrics().pending).toBe(0);
  });
});

describe("early record results", () => {
  it("settles a success the transport reports early, and retries a failure only when the request ends", async () => {
    // A transport whose broker acknowledges records one by one: record 0 is confirmed at once,
    // record 1 fails retriably when the request finishes; the retry then succeeds.
    let finish: (() => void) | undefined;
    let requests = 0;
    const inner = memoryTransport();
    const transport = {
      name: "early",
      capabilities: inner.capabilities,
      connect: () => inner.connect(),
      partitions: async () => 1,
      close: () => inner.close(),
      send: (batch: RecordBatch, context: SendContext): Promise<RecordResult[]> => {
        requests++;
        if (requests > 1) return Promise.resolve(batch.records.map(() => ({ ok: true as const })));
        context.recordSettled?.(0, { ok: true, offset: "7" });
        return new Promise((resolve) => {
          finish = () =>
            resolve([
              { ok: true, offset: "7" },
              {
                ok: false,
                error: new OutboundError("BROKER_UNAVAILABLE", "not this time", { kind: "retriable" }),
              },
            ]);
        });
      },
    };
    const producer = createProducer({ transport, retry: { initialMs: 10, maxMs: 10, jitter: 0 } });
    producers.push(producer);
    await producer.connect();
    const first = producer.send({ topic: "t", value: "a" });
    const second = producer.send({ topic: "t", value: "b" });
    const report = await Promise.race([first, sleep(500).then(() => "still pending")]);
    expect(report).toMatchObject({ offset: "7", attempts: 1 });
    expect(await Promise.race([second, sleep(20).then(() => "still pending")])).toBe("still pending");
    finish!();
    expect(await second).toMatchObject({ attempts: 2 });
    expect(requests).toBe(2);
    // Settled once: the request's own result for record 0 did not settle it again.
    expect(producer.metrics().acked).toBe(2);
  });
});

describe("backpressure", () => {
  it("with reject, sends fail with BUFFER_FULL while the broker pauses producers, and resume after", async () => {
    const { broker, producer } = setup({ onBufferFull: "reject" });
    await producer.connect();
    const events: boolean[] = [];
    producer.on("backpressure", (e) => events.push(e.paused));
    broker.faults.pause("memory alarm");
    const error = await rejection(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("BUFFER_FULL");
    expect(error.message).toContain("memory alarm");
    broker.faults.resume();
    await expect(producer.send({ topic: "t", value: 2 })).resolves.toMatchObject({ offset: "0" });
    expect(events).toEqual([true, false]);
  });

  it("with block, sends wait while paused and are delivered on resume", async () => {
    const { broker, producer } = setup({ onBufferFull: "block" });
    await producer.connect();
    broker.faults.pause();
    const send = producer.send({ topic: "t", value: 1 });
    await sleep(50);
    expect(broker.count("t")).toBe(0);
    broker.faults.resume();
    await expect(send).resolves.toMatchObject({ attempts: 1 });
  });
});

describe("transactions", () => {
  it("are UNSUPPORTED_FEATURE on a transport without them, naming the feature", async () => {
    const { producer } = setup();
    const error = await rejection(producer.transaction(async (tx) => tx.send({ topic: "t", value: 1 })));
    expect(error.code).toBe("UNSUPPORTED_FEATURE");
    expect(error.message).toContain("transactions");
  });
});
