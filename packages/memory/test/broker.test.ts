import { OutboundError } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { MemoryBroker } from "../src/index.js";
import { batch, bytes, record } from "./records.js";

describe("MemoryBroker topics and offsets", () => {
  it("auto-creates a topic with the default partition count on first use", async () => {
    const broker = new MemoryBroker({ defaultPartitions: 4 });
    expect(broker.partitionsFor("orders")).toBe(4);
    expect(broker.topics()).toEqual(["orders"]);
    expect(broker.topic("orders")).toEqual({ name: "orders", partitions: 4, fifo: false, messages: 0 });
  });

  it("keeps an explicitly created topic's settings and refuses a conflicting re-creation", () => {
    const broker = new MemoryBroker();
    broker.createTopic("a", { partitions: 3 });
    broker.createTopic("a", { partitions: 3 });
    expect(() => broker.createTopic("a", { partitions: 2 })).toThrow(/already exists with 3/);
    broker.createPartitions("a", 5);
    expect(broker.partitionsFor("a")).toBe(5);
    expect(() => broker.createPartitions("a", 2)).toThrow(OutboundError);
  });

  it("numbers offsets per partition from 0, as decimal strings", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("t", { partitions: 2 });
    const first = await broker.produce(batch("t", [record("a"), record("b")], 0));
    const second = await broker.produce(batch("t", [record("c")], 1));
    const third = await broker.produce(batch("t", [record("d")], 0));
    expect(first.map((r) => r.ok && r.offset)).toEqual(["0", "1"]);
    expect(second.map((r) => r.ok && r.offset)).toEqual(["0"]);
    expect(third.map((r) => r.ok && r.offset)).toEqual(["2"]);
    expect(broker.messages("t", { partition: 0 }).map((m) => m.text())).toEqual(["a", "b", "d"]);
    expect(broker.messages("t").map((m) => m.text())).toEqual(["a", "b", "c", "d"]);
    expect(broker.count("t")).toBe(4);
    expect(broker.count("t", { partition: 1 })).toBe(1);
    expect(broker.count()).toBe(4);
  });

  it("fails a request for a topic that does not exist when auto-creation is off", async () => {
    const broker = new MemoryBroker({ autoCreateTopics: false });
    expect(() => broker.partitionsFor("nope")).toThrow(
      expect.objectContaining({ code: "UNKNOWN_DESTINATION" }),
    );
    await expect(broker.produce(batch("nope", [record("x")]))).rejects.toMatchObject({
      code: "UNKNOWN_DESTINATION",
    });
  });

  it("fails a request for a partition the topic does not have", async () => {
    const broker = new MemoryBroker({ defaultPartitions: 2 });
    await expect(broker.produce(batch("t", [record("x")], 2))).rejects.toMatchObject({
      code: "UNKNOWN_DESTINATION",
      brokerCode: "UNKNOWN_PARTITION",
    });
  });
});

describe("MemoryBroker fidelity", () => {
  it("stores copies of key, value and headers, byte for byte, with content type and timestamps", async () => {
    const now = 1_800_000_000_000;
    const broker = new MemoryBroker({ now: () => now });
    const key = bytes("k-1");
    const value = new Uint8Array([0, 255, 1, 254]);
    const binary = new Uint8Array([9, 0, 9]);
    await broker.produce(
      batch("t", [
        record(value, {
          key,
          headers: { text: "héllo ✓", bin: binary, empty: "" },
          contentType: "application/json",
        }),
      ]),
    );
    key[0] = 0;
    value[0] = 42;
    binary[0] = 42;
    const [stored] = broker.messages("t");
    expect(stored?.keyText()).toBe("k-1");
    expect([...(stored?.value ?? [])]).toEqual([0, 255, 1, 254]);
    expect(stored?.headers.text).toBe("héllo ✓");
    expect([...((stored?.headers.bin as Uint8Array | undefined) ?? [])]).toEqual([9, 0, 9]);
    expect(stored?.headers.empty).toBe("");
    expect(stored?.contentType).toBe("application/json");
    expect(stored?.timestamp).toBe(1_700_000_000_000);
    expect(stored?.appendedAt).toBe(now);
  });

  it("keeps an empty value", async () => {
    const broker = new MemoryBroker();
    await broker.produce(batch("t", [record(new Uint8Array(0))]));
    expect(broker.messages("t")[0]?.value.byteLength).toBe(0);
  });

  it("filters stored messages by key", async () => {
    const broker = new MemoryBroker();
    await broker.produce(
      batch("t", [record("1", { key: bytes("a") }), record("2", { key: bytes("b") }), record("3")]),
    );
    expect(broker.messages("t", { key: "a" }).map((m) => m.text())).toEqual(["1"]);
    expect(broker.messages("t", { key: bytes("b") }).map((m) => m.text())).toEqual(["2"]);
  });

  it("offers text, json and header helpers on stored messages", async () => {
    const broker = new MemoryBroker();
    await broker.produce(batch("t", [record(JSON.stringify({ n: 1 }), { headers: { h: bytes("v") } })]));
    const [stored] = broker.messages("t");
    expect(stored?.json()).toEqual({ n: 1 });
    expect(stored?.header("h")).toBe("v");
    expect(stored?.header("missing")).toBeUndefined();
    expect(stored?.keyText()).toBeUndefined();
  });
});

describe("MemoryBroker limits", () => {
  it("fails only the oversize record and stores the rest of its batch", async () => {
    const broker = new MemoryBroker({ maxMessageBytes: 100 });
    const results = await broker.produce(
      batch("t", [record("ok-1"), record("x".repeat(101)), record("ok-2")]),
    );
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: { code: "MESSAGE_TOO_LARGE", kind: "terminal" } });
    expect(results[2]?.ok).toBe(true);
    expect(broker.messages("t").map((m) => m.text())).toEqual(["ok-1", "ok-2"]);
  });

  it("counts key and headers against the message limit", async () => {
    const broker = new MemoryBroker({ maxMessageBytes: 10 });
    const [result] = await broker.produce(
      batch("t", [record("12345", { key: bytes("123"), headers: { ab: "c" } })]),
    );
    expect(result).toMatchObject({ ok: false, error: { code: "MESSAGE_TOO_LARGE" } });
  });

  it("rejects a whole request over the batch record or byte limit", async () => {
    const broker = new MemoryBroker({ maxBatchRecords: 2, maxBatchBytes: 10 });
    await expect(broker.produce(batch("t", [record("a"), record("b"), record("c")]))).rejects.toMatchObject({
      code: "MESSAGE_TOO_LARGE",
      brokerCode: "BATCH_TOO_LARGE",
    });
    await expect(broker.produce(batch("t", [record("123456"), record("123456")]))).rejects.toMatchObject({
      code: "MESSAGE_TOO_LARGE",
    });
    expect(broker.count("t")).toBe(0);
  });

  it("rejects a delay over the maximum and records when a delayed message becomes visible", async () => {
    const broker = new MemoryBroker({ maxDelayMs: 1_000, now: () => 5_000 });
    const results = await broker.produce(
      batch("t", [record("late", { delayMs: 500 }), record("x", { delayMs: 1_001 })]),
    );
    expect(results[1]).toMatchObject({ ok: false, error: { code: "INVALID_MESSAGE" } });
    expect(broker.messages("t")[0]).toMatchObject({ delayMs: 500, availableAt: 5_500 });
  });

  it("rejects values that are not bytes as INVALID_MESSAGE, without touching the rest", async () => {
    const broker = new MemoryBroker();
    const bad = { ...record("x"), value: "not bytes" as unknown as Uint8Array };
    const results = await broker.produce(batch("t", [bad, record("good")]));
    expect(results[0]).toMatchObject({ ok: false, error: { code: "INVALID_MESSAGE" } });
    expect(broker.messages("t").map((m) => m.text())).toEqual(["good"]);
  });
});

describe("MemoryBroker storage", () => {
  it("stores the accepted records of a mixed batch at consecutive offsets, in order", async () => {
    const broker = new MemoryBroker();
    const bad = { ...record("x"), value: "not bytes" as unknown as Uint8Array };
    const results = await broker.produce(
      batch("t", [
        record("a", { id: "1" }),
        bad,
        record("b", { key: bytes("k") }),
        record("dup", { id: "1" }),
        record("c", { headers: { h: "v" }, delayMs: 5 }),
      ]),
    );
    expect(results.map((r) => (r.ok ? r.offset : r.error.code))).toEqual([
      "0",
      "INVALID_MESSAGE",
      "1",
      "0",
      "2",
    ]);
    const stored = broker.messages("t");
    expect(stored.map((m) => [m.offset, m.text(), m.keyText(), m.id, m.header("h"), m.delayMs])).toEqual([
      ["0", "a", undefined, "1", undefined, undefined],
      ["1", "b", "k", undefined, undefined, undefined],
      ["2", "c", undefined, undefined, "v", 5],
    ]);
    expect(broker.stats()).toMatchObject({ stored: 3, duplicates: 1, rejectedRecords: 1 });
  });

  it("keeps every message's bytes across many requests, large values and reads in between", async () => {
    const broker = new MemoryBroker({ maxMessageBytes: 4 * 1024 * 1024, maxBatchBytes: 64 * 1024 * 1024 });
    const expected: number[] = [];
    for (let n = 0; n < 40; n++) {
      // Sizes from a few bytes to 1.5 MiB, so requests straddle and exceed the storage chunks.
      const size = n % 5 === 4 ? 1536 * 1024 : 97 * (n + 1);
      const value = new Uint8Array(size).fill(n);
      await broker.produce(batch("t", [record(value)], 0));
      value.fill(255);
      expected.push(size);
      if (n % 7 === 0) expect(broker.count("t")).toBe(broker.messages("t").length);
    }
    const stored = broker.messages("t");
    expect(stored.map((m) => m.value.byteLength)).toEqual(expected);
    stored.forEach((m, n) => {
      expect(m.offset).toBe(String(n));
      expect(m.value.every((b) => b === n)).toBe(true);
      // Each message owns its bytes: nothing else can be reached through value.buffer.
      expect(m.value.buffer.byteLength).toBe(m.value.byteLength);
    });
    expect(broker.messages("t")[3]).toBe(stored[3]);
  });

  it("restarts offsets and storage after clear", async () => {
    const broker = new MemoryBroker();
    await broker.produce(batch("t", [record("a"), record("b")]));
    broker.clear("t");
    const [result] = await broker.produce(batch("t", [record("c")]));
    expect(result).toMatchObject({ ok: true, offset: "0" });
    expect(broker.messages("t").map((m) => m.text())).toEqual(["c"]);
  });
});

describe("MemoryBroker dedup window and FIFO groups", () => {
  it("acknowledges a duplicate id inside the window with the first copy's coordinates, storing it once", async () => {
    let now = 0;
    const broker = new MemoryBroker({ dedupWindowMs: 1_000, now: () => now });
    const first = await broker.produce(batch("t", [record("a", { id: "m-1" }), record("b", { id: "m-1" })]));
    expect(first).toEqual([
      expect.objectContaining({ ok: true, offset: "0" }),
      expect.objectContaining({ ok: true, offset: "0" }),
    ]);
    now = 999;
    await broker.produce(batch("t", [record("c", { id: "m-1" })]));
    expect(broker.messages("t").map((m) => m.text())).toEqual(["a"]);
    expect(broker.stats().duplicates).toBe(2);
    now = 1_000;
    const later = await broker.produce(batch("t", [record("d", { id: "m-1" })]));
    expect(later[0]).toMatchObject({ ok: true, offset: "1" });
    expect(broker.count("t")).toBe(2);
  });

  it("keeps every copy when the window is 0", async () => {
    const broker = new MemoryBroker({ dedupWindowMs: 0 });
    await broker.produce(batch("t", [record("a", { id: "x" }), record("b", { id: "x" })]));
    expect(broker.count("t")).toBe(2);
  });

  it("requires a key on a FIFO topic and records it as the message group", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("q", { fifo: true });
    const results = await broker.produce(
      batch("q", [record("1", { key: bytes("g1") }), record("no-group"), record("2", { key: bytes("g2") })]),
    );
    expect(results[1]).toMatchObject({
      ok: false,
      error: { code: "INVALID_MESSAGE", brokerCode: "MISSING_GROUP" },
    });
    expect(broker.messages("q", { group: "g2" }).map((m) => m.text())).toEqual(["2"]);
    expect(broker.messages("q").map((m) => m.group)).toEqual(["g1", "g2"]);
  });
});

describe("MemoryBroker acks and inspection", () => {
  it("stores but reports no offset and acknowledged false with acks none", async () => {
    const broker = new MemoryBroker();
    const [result] = await broker.produce(batch("t", [record("a")], 0, "none"));
    expect(result).toEqual({ ok: true, partition: 0, timestamp: 1_700_000_000_000, acknowledged: false });
    expect(broker.count("t")).toBe(1);
  });

  it("waitFor resolves once enough messages arrive", async () => {
    const broker = new MemoryBroker();
    const waiting = broker.waitFor("t", 2, 1_000);
    await broker.produce(batch("t", [record("a")]));
    await broker.produce(batch("t", [record("b")]));
    expect((await waiting).map((m) => m.text())).toEqual(["a", "b"]);
  });

  it("waitFor rejects with TIMEOUT saying how many arrived", async () => {
    const broker = new MemoryBroker();
    await broker.produce(batch("t", [record("a")]));
    await expect(broker.waitFor("t", 3, 20)).rejects.toThrow(/for 3 message\(s\) on t; it holds 1/);
  });

  it("clear empties topics and restarts offsets; reset drops topics and stats", async () => {
    const broker = new MemoryBroker();
    await broker.produce(batch("t", [record("a", { id: "1" })]));
    broker.clear();
    expect(broker.topics()).toEqual(["t"]);
    const [again] = await broker.produce(batch("t", [record("a", { id: "1" })]));
    expect(again).toMatchObject({ ok: true, offset: "0" });
    expect(broker.count("t")).toBe(1);
    broker.reset();
    expect(broker.topics()).toEqual([]);
    expect(broker.stats()).toEqual({
      requests: 0,
      rejectedRequests: 0,
      stored: 0,
      duplicates: 0,
      rejectedRecords: 0,
    });
  });

  it("returns an empty list for a topic it never saw", () => {
    expect(new MemoryBroker().messages("ghost")).toEqual([]);
  });
});

describe("MemoryBroker options", () => {
  it.each([
    [{ defaultPartitions: 0 }, "memory.defaultPartitions"],
    [{ maxMessageBytes: -1 }, "memory.maxMessageBytes"],
    [{ maxBatchRecords: 1.5 }, "memory.maxBatchRecords"],
    [{ dedupWindowMs: -5 }, "memory.dedupWindowMs"],
    [{ autoCreateTopics: "yes" as unknown as boolean }, "memory.autoCreateTopics"],
  ])("rejects %o with INVALID_CONFIG naming the field", (options, field) => {
    expect(() => new MemoryBroker(options)).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => new MemoryBroker(options)).toThrow(field);
  });

  it("applies configure() to the next request", async () => {
    const broker = new MemoryBroker();
    broker.configure({ maxMessageBytes: 2 });
    const [result] = await broker.produce(batch("t", [record("abc")]));
    expect(result?.ok).toBe(false);
    expect(broker.settings.maxMessageBytes).toBe(2);
  });
});
