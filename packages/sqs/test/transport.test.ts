import { DeleteQueueCommand } from "@aws-sdk/client-sqs";
import type { Headers, RecordResult } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqsTransport } from "../src/transport.js";
import { createSqsProbe, type SqsProbe } from "./probe.js";
import {
  batch,
  context,
  outcomes,
  record,
  sqsEndpoint,
  testTransport,
  text,
  uniqueQueue,
  utf8,
} from "./support.js";

let probe: SqsProbe;
let transport: SqsTransport;

beforeAll(async () => {
  probe = createSqsProbe({ endpoint: sqsEndpoint() });
  transport = testTransport();
  await transport.connect();
});

afterAll(async () => {
  await transport?.close();
  await probe?.close();
});

async function queue(base: string, options: { fifo?: boolean; contentBasedDeduplication?: boolean } = {}) {
  const name = uniqueQueue(base, options.fifo);
  await probe.createTopic(name, { partitions: 1, ...options });
  return name;
}

function failure(result: RecordResult | undefined) {
  if (!result || result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
}

describe("per-entry settling", () => {
  it("settles a batch mixing valid and invalid entries one by one; only the valid ones arrive", async () => {
    const q = await queue("mixed");
    const tooMany = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`h${i}`, "v"]));
    const results = await transport.send(
      batch(q, [
        record(q, { value: utf8("m0") }),
        record(q, { value: utf8("m1"), headers: { "bad name": "v" } }),
        record(q, { value: utf8("m2") }),
        record(q, { value: utf8("m3"), key: utf8("k"), headers: tooMany }),
        record(q, { value: utf8("m4") }),
        record(q, { value: utf8("m5"), delayMs: 901_000 }),
        record(q, { value: utf8("m6"), headers: { "AWS.reserved": "x" } }),
        record(q, { value: new Uint8Array(1024 * 1024 + 1) }),
        record(q, { value: utf8("m8") }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual([
      "ok",
      "INVALID_MESSAGE",
      "ok",
      "INVALID_MESSAGE",
      "ok",
      "INVALID_MESSAGE",
      "INVALID_MESSAGE",
      "MESSAGE_TOO_LARGE",
      "ok",
    ]);
    expect(failure(results[3]).message).toContain("over SQS's limit of 10");
    for (const r of results) if (r.ok) expect(r.messageId).toMatch(/\S/);

    const read = await probe.read(q, { count: 5, timeoutMs: 5_000 });
    expect(read.map((m) => text(m.value)).sort()).toEqual(["m0", "m2", "m4", "m8"]);
  });

  it("maps SQS's own per-entry refusals (Failed, SenderFault) to the one record, with SQS's code", async () => {
    // The transport caches content-based deduplication; re-creating the queue without it behind
    // the transport's back makes SQS, not the transport, refuse the entry without an id, inside
    // an otherwise valid batch. (ElasticMQ cannot change the attribute on a live queue.)
    const q = await queue("broker-refusal", { fifo: true, contentBasedDeduplication: true });
    expect(
      outcomes(
        await transport.send(batch(q, [record(q, { key: utf8("g"), value: utf8("warm") })]), context()),
      ),
    ).toEqual(["ok"]);
    await probe.client.send(new DeleteQueueCommand({ QueueUrl: await probe.queueUrl(q) }));
    await probe.createTopic(q, { partitions: 1, fifo: true, contentBasedDeduplication: false });
    const results = await transport.send(
      batch(q, [
        record(q, { key: utf8("g"), id: "a", value: utf8("first") }),
        record(q, { key: utf8("g"), value: utf8("no id") }),
        record(q, { key: utf8("h"), id: "c", value: utf8("third") }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "INVALID_MESSAGE", "ok"]);
    const error = failure(results[1]);
    expect(error.kind).toBe("terminal");
    expect(error.brokerCode).toBe("InvalidParameterValue");
    expect(error.message).toMatch(/ContentBasedDeduplication|MessageDeduplicationId/);

    // The refusal made the transport read the queue's attributes again: now it knows, and says so.
    const again = await transport.send(
      batch(q, [record(q, { key: utf8("g"), value: utf8("still no id") })]),
      context(),
    );
    expect(failure(again[0]).message).toContain("has no content-based deduplication");

    const read = await probe.read(q, { count: 4, timeoutMs: 3_000 });
    expect(read.map((m) => text(m.value))).toEqual(["first", "third"]);
  });

  it("isolates the entry when SQS refuses a whole request for one entry's size", async () => {
    // The transport allows 2 MiB, ElasticMQ (strict limits) 1 MiB: SQS rejects the whole
    // SendMessageBatch, and the transport re-sends each entry alone so only the big one fails.
    const q = await queue("isolate");
    const loose = testTransport({ maxMessageBytes: 2 * 1024 * 1024, maxBatchBytes: 4 * 1024 * 1024 });
    try {
      const results = await loose.send(
        batch(q, [
          record(q, { value: utf8("before") }),
          record(q, { value: new Uint8Array(1024 * 1024 + 100 * 1024).fill(0x61) }),
          record(q, { value: utf8("after") }),
        ]),
        context(),
      );
      expect(outcomes(results)).toEqual(["ok", "MESSAGE_TOO_LARGE", "ok"]);
      // ElasticMQ: InvalidAttributeValue "MessageTooLong"; moto: BatchRequestTooLong.
      expect(failure(results[1]).brokerCode).toMatch(/InvalidAttributeValue|BatchRequestTooLong/);
    } finally {
      await loose.close();
    }
    const read = await probe.read(q, { count: 3, timeoutMs: 3_000 });
    expect(read.map((m) => text(m.value)).sort()).toEqual(["after", "before"]);
  });
});

describe("size limits", () => {
  it("fails an oversize message alone, counting attributes as SQS does", async () => {
    const q = await queue("oversize");
    const eight = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`h${i}`, "v"]));
    // 800 KiB of binary is 1.04 MiB of base64. With a free attribute it travels raw in
    // outbound-body; with all 10 attributes taken it must be base64, and is too large.
    const binary = new Uint8Array(800 * 1024).fill(0xff);
    const nearLimitText = new Uint8Array(1024 * 1024 - 200).fill(0x62);
    const results = await transport.send(
      batch(q, [
        record(q, { value: utf8("small") }),
        record(q, { value: binary, key: utf8("k"), headers: eight }),
        record(q, { value: nearLimitText }),
        record(q, { value: new Uint8Array(1024 * 1024 + 1) }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "MESSAGE_TOO_LARGE", "ok", "MESSAGE_TOO_LARGE"]);
    expect(failure(results[1]).message).toMatch(
      /exceeds the 1 MiB limit.*base64 because all 10 attributes are taken/,
    );
    const read = await probe.read(q, { count: 3, timeoutMs: 3_000 });
    expect(read.map((m) => m.value.byteLength).sort((a, b) => a - b)).toEqual([5, 1024 * 1024 - 200]);
  });

  it("delivers a binary value close to the limit byte-exact, raw in the outbound-body attribute", async () => {
    const q = await queue("binary-large");
    const value = Uint8Array.from({ length: 1024 * 1024 - 1024 }, (_, i) => (i * 13) % 251);
    const results = await transport.send(
      batch(q, [record(q, { value, contentType: "application/octet-stream" })]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok"]);
    const raw = await probe.readRaw(q, { count: 1, timeoutMs: 3_000 });
    expect(raw[0]!.message.MessageAttributes?.["content-type"]?.DataType).toBe("String.outbound-body");
    expect(Buffer.from(raw[0]!.probed.value).equals(Buffer.from(value))).toBe(true);
    expect(raw[0]!.probed.headers).toEqual({});
  });

  it("splits a batch into requests under the byte limit and delivers all of it", async () => {
    const q = await queue("split");
    const values = Array.from({ length: 6 }, (_, i) => new Uint8Array(300 * 1024).fill(0x61 + i));
    const results = await transport.send(
      batch(
        q,
        values.map((value) => record(q, { value })),
      ),
      context(),
    );
    expect(outcomes(results)).toEqual(new Array(6).fill("ok"));
    const read = await probe.read(q, { count: 6, timeoutMs: 5_000 });
    expect(read.map((m) => m.value[0]).sort((a, b) => a! - b!)).toEqual([0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);
  });
});

describe("fidelity", () => {
  it("delivers values, keys and headers byte-exact, binary and empty included", async () => {
    const q = await queue("fidelity");
    const binary = new Uint8Array([0, 1, 2, 0xfe, 0xff, 0x80]);
    const messages: { value: Uint8Array; key: Uint8Array | undefined; headers: Headers }[] = [
      {
        value: utf8("plain text\r\nwith CRLF and ü 😀"),
        key: utf8("user-1"),
        headers: { trace: "abc", bin: binary },
      },
      {
        value: binary,
        key: new Uint8Array([0, 0xff]),
        headers: { empty: "", emptyBytes: new Uint8Array(0) },
      },
      { value: new Uint8Array(0), key: undefined, headers: {} },
      {
        value: utf8("\uFEFFbom and nul \u0000"),
        key: utf8("k"),
        headers: { "x.y_z-1": "ünïcödé", nul: "a\u0000b" },
      },
    ];
    const results = await transport.send(
      batch(
        q,
        messages.map((m, i) =>
          record(q, { ...m, contentType: i === 1 ? "application/octet-stream" : "text/plain" }),
        ),
      ),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "ok", "ok", "ok"]);
    const read = await probe.read(q, { count: 4, timeoutMs: 5_000 });
    expect(read).toHaveLength(4);
    for (const [i, sent] of messages.entries()) {
      const got = read.find((m) => Buffer.from(m.value).equals(Buffer.from(sent.value)));
      expect(got, `message ${i}`).toBeDefined();
      expect(got!.key).toEqual(sent.key);
      expect(got!.headers).toEqual(sent.headers);
      expect(got!.contentType).toBe(i === 1 ? "application/octet-stream" : "text/plain");
    }
  });

  it("accepts a queue URL as the topic", async () => {
    const q = await queue("by-url");
    const url = await probe.queueUrl(q);
    const results = await transport.send(batch(url, [record(url, { value: utf8("via url") })]), context());
    expect(outcomes(results)).toEqual(["ok"]);
    const read = await probe.read(q, { count: 1, timeoutMs: 3_000 });
    expect(text(read[0]!.value)).toBe("via url");
  });
});

describe("attributes", () => {
  it("carries 8 headers plus the key and content type, and refuses a 9th header naming the limit", async () => {
    const q = await queue("attributes");
    const eight = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`h${i}`, `v${i}`]));
    const results = await transport.send(
      batch(q, [
        record(q, { value: utf8("eight"), key: utf8("k"), headers: eight }),
        record(q, { value: utf8("nine"), key: utf8("k"), headers: { ...eight, h8: "v8" } }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "INVALID_MESSAGE"]);
    expect(failure(results[1]).message).toBe(
      "[outbound] [sqs] message has 9 headers; with the content-type and outbound-key attributes Outbound adds that is 11 message attributes, over SQS's limit of 10",
    );
    const [got] = await probe.read(q, { count: 1, timeoutMs: 3_000 });
    expect(got!.headers).toEqual(eight);
    expect(transport.capabilities.headers.maxCount).toBe(8);
  });
});

describe("delay", () => {
  it("holds a delayed message back for DelaySeconds while others arrive at once", async () => {
    const q = await queue("delay");
    const results = await transport.send(
      batch(q, [record(q, { value: utf8("later"), delayMs: 2_500 }), record(q, { value: utf8("now") })]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "ok"]);
    const early = await probe.read(q, { count: 2, timeoutMs: 1_500 });
    expect(early.map((m) => text(m.value))).toEqual(["now"]);
    const late = await probe.read(q, { count: 1, timeoutMs: 6_000 });
    expect(late.map((m) => text(m.value))).toEqual(["later"]);
  });
});

describe("FIFO queues", () => {
  it("keeps each group's order across the requests one batch becomes", async () => {
    const q = await queue("order", { fifo: true });
    // 30 records over three groups: three SendMessageBatch requests, groups spanning them.
    const records = Array.from({ length: 30 }, (_, i) =>
      record(q, { key: utf8(`g${i % 3}`), id: `id-${i}`, value: utf8(`g${i % 3}:${i}`) }),
    );
    const results = await transport.send(batch(q, records), context());
    expect(outcomes(results)).toEqual(new Array(30).fill("ok"));
    const raw = await probe.readRaw(q, { count: 30, timeoutMs: 10_000 });
    expect(raw).toHaveLength(30);
    for (const group of ["g0", "g1", "g2"]) {
      const seen = raw
        .filter((r) => r.message.Attributes?.MessageGroupId === group)
        .map((r) => text(r.probed.value));
      const sent = records.filter((r) => text(r.key!) === group).map((r) => text(r.value));
      expect(seen).toEqual(sent);
    }
    expect(raw[0]!.message.Attributes?.MessageDeduplicationId).toMatch(/^id-\d+$/);
  });

  it("deduplicates by id within the window: a repeated id is acknowledged but stored once", async () => {
    const q = await queue("dedup", { fifo: true });
    const first = await transport.send(
      batch(q, [record(q, { key: utf8("g"), id: "same", value: utf8("one") })]),
      context(),
    );
    const repeat = await transport.send(
      batch(q, [
        record(q, { key: utf8("g"), id: "same", value: utf8("one again") }),
        record(q, { key: utf8("g"), id: "other", value: utf8("two") }),
      ]),
      context(),
    );
    expect(outcomes([...first, ...repeat])).toEqual(["ok", "ok", "ok"]);
    const read = await probe.read(q, { count: 3, timeoutMs: 3_000 });
    expect(read.map((m) => text(m.value))).toEqual(["one", "two"]);
  });

  it("deduplicates by content when the queue has content-based deduplication and no id is given", async () => {
    const q = await queue("cbd", { fifo: true, contentBasedDeduplication: true });
    const results = await transport.send(
      batch(q, [
        record(q, { key: utf8("g"), value: utf8("same body") }),
        record(q, { key: utf8("g"), value: utf8("same body") }),
        record(q, { key: utf8("g"), value: utf8("different") }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual(["ok", "ok", "ok"]);
    const read = await probe.read(q, { count: 3, timeoutMs: 3_000 });
    expect(read.map((m) => text(m.value))).toEqual(["same body", "different"]);
  });

  it("refuses FIFO messages without a key, without an id, or with a delay, clearly and alone", async () => {
    const q = await queue("fifo-bad", { fifo: true });
    const results = await transport.send(
      batch(q, [
        record(q, { id: "1", value: utf8("no key") }),
        record(q, { key: utf8("g"), value: utf8("no id") }),
        record(q, { key: utf8("g"), id: "3", delayMs: 1_000, value: utf8("delayed") }),
        record(q, { key: utf8("g"), id: "4", value: utf8("fine") }),
      ]),
      context(),
    );
    expect(outcomes(results)).toEqual(["INVALID_MESSAGE", "INVALID_MESSAGE", "UNSUPPORTED_FEATURE", "ok"]);
    expect(failure(results[0]).message).toContain("needs a key");
    expect(failure(results[1]).message).toContain("needs an id");
    const read = await probe.read(q, { count: 2, timeoutMs: 2_000 });
    expect(read.map((m) => text(m.value))).toEqual(["fine"]);
  });
});

describe("destinations and failures", () => {
  it("reports a missing queue as UNKNOWN_DESTINATION, terminal", async () => {
    const missing = uniqueQueue("missing");
    await expect(transport.partitions(missing)).rejects.toMatchObject({
      code: "UNKNOWN_DESTINATION",
      kind: "terminal",
    });
    await expect(transport.send(batch(missing, [record(missing)]), context())).rejects.toMatchObject({
      code: "UNKNOWN_DESTINATION",
      kind: "terminal",
    });
  });

  it("has one partition per queue", async () => {
    const q = await queue("partitions");
    expect(await transport.partitions(q)).toBe(1);
  });

  it("reports an abort before anything was written as TIMEOUT, safe to retry", async () => {
    const q = await queue("deadline");
    await transport.partitions(q);
    const controller = new AbortController();
    const sending = transport.send(batch(q, [record(q)]), { signal: controller.signal, timeoutMs: 30_000 });
    controller.abort();
    await expect(sending).rejects.toMatchObject({ code: "TIMEOUT", kind: "retriable" });
    expect(await probe.read(q, { count: 1, timeoutMs: 1_500 })).toEqual([]);
  });

  it("refuses to send after close with CLOSED", async () => {
    const closing = testTransport();
    await closing.close();
    await expect(closing.send(batch("x", [record("x")]), context())).rejects.toMatchObject({
      code: "CLOSED",
    });
  });
});
