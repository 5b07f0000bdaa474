/** The dead-letter sink: what goes there, what the copy carries, and what send() reports. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createProducer,
  DEAD_LETTER_HEADERS,
  type DeadLetterSink,
  type OutboundError,
  type ProducerConfig,
} from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";
import { rejection } from "./rejection.js";

const producers: { close(o?: { timeoutMs?: number }): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 200 })));
});

function setup(config: Partial<ProducerConfig>, brokerOptions: Parameters<typeof memoryTransport>[0] = {}) {
  const transport = memoryTransport(brokerOptions);
  const producer = createProducer({ transport, ...config } as ProducerConfig);
  producers.push(producer);
  return { broker: transport.broker, producer };
}

const text = (bytes: Uint8Array | string | undefined) =>
  typeof bytes === "string" ? bytes : Buffer.from(bytes ?? []).toString();

describe("dead letters", () => {
  it("a terminal failure goes to a topic on the same broker with the documented headers; send() says where", async () => {
    const { broker, producer } = setup({ deadLetter: { topic: "orders.dlq" } });
    await producer.connect();
    broker.faults.rejectWhen((r) => r.topic === "orders" && text(r.value).includes("forbidden"), {
      code: "NOT_AUTHORIZED",
    });
    const settled = await producer.sendMany([
      { topic: "orders", key: "k1", value: "fine-1", headers: { trace: "a" } },
      {
        topic: "orders",
        key: "k2",
        value: "forbidden",
        headers: { trace: "b", bin: new Uint8Array([0, 255]) },
      },
      { topic: "orders", key: "k3", value: "fine-2" },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const error = (settled[1] as { reason: OutboundError }).reason;
    expect(error.code).toBe("NOT_AUTHORIZED");
    expect(error.message).toContain("dead-lettered to memory:orders.dlq");
    expect(error.deadLetter?.destination).toBe("memory:orders.dlq");

    expect(broker.messages("orders").map((m) => m.json<string>())).toEqual(["fine-1", "fine-2"]);
    const [copy] = broker.messages("orders.dlq");
    expect(copy).toBeDefined();
    expect(copy!.json<string>()).toBe("forbidden");
    expect(text(copy!.key)).toBe("k2");
    expect(copy!.contentType).toBe("application/json");
    expect(copy!.headers.trace).toBe("b");
    expect(Array.from(copy!.headers.bin as Uint8Array)).toEqual([0, 255]);
    expect(copy!.headers[DEAD_LETTER_HEADERS.originalTopic]).toBe("orders");
    expect(copy!.headers[DEAD_LETTER_HEADERS.errorCode]).toBe("NOT_AUTHORIZED");
    expect(text(copy!.headers[DEAD_LETTER_HEADERS.errorMessage])).toContain("memory");
    expect(copy!.headers[DEAD_LETTER_HEADERS.attempts]).toBe("1");
    expect(Number.isNaN(Date.parse(text(copy!.headers[DEAD_LETTER_HEADERS.firstFailureAt])))).toBe(false);
    expect(producer.metrics().deadLettered).toBe(1);
  });

  it("a message too large for the broker goes to a file, value in base64, while the rest of its batch is delivered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "outbound-dlq-"));
    const file = join(dir, "dead.jsonl");
    const { broker, producer } = setup({ deadLetter: { file } }, { maxMessageBytes: 1000 });
    const big = new Uint8Array(5000).fill(7);
    const settled = await producer.sendMany<unknown>([
      { topic: "t", value: "a" },
      { topic: "t", value: Array.from(big), key: "big" },
      { topic: "t", value: "b" },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const error = (settled[1] as { reason: OutboundError }).reason;
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.deadLetter?.destination).toBe(`file:${file}`);
    expect(broker.messages("t").map((m) => m.json<string>())).toEqual(["a", "b"]);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry.topic).toBe("t");
    expect(Buffer.from(entry.key, "base64").toString()).toBe("big");
    expect(JSON.parse(Buffer.from(entry.value, "base64").toString())).toEqual(Array.from(big));
    expect(entry.error.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("a message that ran past deliveryTimeoutMs goes to another producer's broker", async () => {
    const other = setup({ serializer: "bytes" });
    const { broker, producer } = setup({
      deliveryTimeoutMs: 200,
      deadLetter: { producer: other.producer, topic: (t) => `${t}.expired` },
    });
    await producer.connect();
    broker.faults.hang();
    const error = await rejection(producer.send({ topic: "t", value: { n: 1 } }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.deadLetter?.destination).toBe("memory:t.expired");
    const [copy] = other.broker.messages("t.expired");
    expect(copy!.json()).toEqual({ n: 1 });
    expect(copy!.headers[DEAD_LETTER_HEADERS.errorCode]).toBe("TIMEOUT");
    broker.faults.release();
  });

  it("when the dead-letter write fails too, send() reports both errors", async () => {
    const failing: DeadLetterSink = {
      description: "broken-sink",
      write: async () => {
        throw new Error("disk full");
      },
    };
    const { broker, producer } = setup({ deadLetter: { sink: failing } });
    await producer.connect();
    broker.faults.failNext(1, { code: "UNKNOWN_DESTINATION" });
    const error = await rejection(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("UNKNOWN_DESTINATION");
    expect(error.message).toContain("dead-letter write to broken-sink failed too");
    expect(error.deadLetter?.error?.message).toContain("disk full");
  });

  it("the predicate narrows what is dead-lettered; retriable failures never are by default", async () => {
    const seen: string[] = [];
    const sink: DeadLetterSink = {
      description: "memory-list",
      write: async (entry) => {
        seen.push(entry.error.code);
        return "memory-list";
      },
    };
    const { broker, producer } = setup({
      deadLetter: { sink, when: (error) => error.code !== "REJECTED" },
      retry: { initialMs: 1, maxMs: 5 },
    });
    await producer.connect();
    broker.faults.rejectWhen((r) => text(r.value).includes("rej"), { code: "REJECTED" });
    broker.faults.rejectWhen((r) => text(r.value).includes("auth"), { code: "NOT_AUTHORIZED" });
    broker.faults.failNext(2, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    const settled = await producer.sendMany([
      { topic: "t", value: "rej" },
      { topic: "t", value: "auth" },
      { topic: "t", value: "ok" },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect(seen).toEqual(["NOT_AUTHORIZED"]);
  });

  it("a failing dead-letter copy is not dead-lettered again", async () => {
    const { broker, producer } = setup({ deadLetter: { topic: "dlq" } });
    await producer.connect();
    broker.faults.rejectWhen(() => true, { code: "NOT_AUTHORIZED" });
    const error = await rejection(producer.send({ topic: "t", value: "x" }));
    expect(error.code).toBe("NOT_AUTHORIZED");
    expect(error.deadLetter?.error?.code).toBe("NOT_AUTHORIZED");
    await producer.flush();
    expect(broker.count("dlq")).toBe(0);
    // The original and its one copy: no loop of copies of copies.
    expect(producer.metrics()).toMatchObject({ failed: 2, deadLettered: 0 });
  });

  it("an ambiguous deadLetter config is INVALID_CONFIG", () => {
    expect(() => createProducer({ url: "memory://", deadLetter: { topic: "a", file: "/tmp/x" } })).toThrow(
      /exactly one of topic, producer \(with topic\), file or sink/,
    );
  });
});
