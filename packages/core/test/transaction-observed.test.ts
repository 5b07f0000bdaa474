/**
 * Transactions go through the producer's accounting like every send: sent = acked + failed in
 * metrics(), and every message's span ends, acked at the commit, failed with the reason at an abort.
 */
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  type Capabilities,
  createProducer,
  type RecordBatch,
  type RecordResult,
  type Transport,
  type TransportTransaction,
} from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";

const caps: Capabilities = {
  maxBatchRecords: 100,
  maxBatchBytes: 1 << 20,
  maxMessageBytes: 1_000,
  partitioned: true,
  keyOrdering: "partition",
  headers: { supported: true, binaryValues: true },
  dedup: { supported: false },
  delay: { supported: false },
  timestamps: true,
  acks: ["all"],
  transactions: true,
  defaultPartitioner: "murmur2",
  orderedInFlight: 1,
};

/** A broker transaction kept in memory: batches become visible only at commit. */
function transactionalFake(options: { failCommit?: boolean } = {}) {
  const committed: RecordBatch[] = [];
  let offset = 0;
  const transport: Transport = {
    name: "fake",
    capabilities: caps,
    connect: async () => {},
    partitions: async () => 2,
    send: async (b): Promise<RecordResult[]> => b.records.map(() => ({ ok: true, offset: String(offset++) })),
    close: async () => {},
    async transaction(): Promise<TransportTransaction> {
      const staged: RecordBatch[] = [];
      return {
        send: async (b) => {
          staged.push(b);
          return b.records.map(() => ({ ok: true as const, offset: String(offset++) }));
        },
        commit: async () => {
          if (options.failCommit) throw new Error("commit lost: coordinator moved");
          committed.push(...staged);
        },
        abort: async () => {
          staged.length = 0;
        },
      };
    },
  };
  return { transport, committed };
}

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
afterEach(() => spans.reset());

function producerOn(transport: Transport) {
  return createProducer({ transport, telemetry: { tracerProvider, metrics: false } });
}

describe("transactions are counted and traced", () => {
  it("a committed transaction: every message acked in metrics, every span ended without error", async () => {
    const { transport, committed } = transactionalFake();
    const producer = producerOn(transport);
    await producer.transaction(async (tx) => {
      await Promise.all([1, 2, 3].map((i) => tx.send({ topic: "orders", key: `k${i}`, value: i })));
    });
    expect(committed.flatMap((b) => b.records)).toHaveLength(3);
    const m = producer.metrics();
    expect({ sent: m.sent, acked: m.acked, failed: m.failed }).toEqual({ sent: 3, acked: 3, failed: 0 });
    const ended = spans.getFinishedSpans();
    expect(ended).toHaveLength(3);
    expect(ended.every((s) => s.status.code !== 2)).toBe(true);
    await producer.close();
  });

  it("an aborted transaction: messages whose send resolved are counted failed, their spans end with the error", async () => {
    const { transport, committed } = transactionalFake();
    const producer = producerOn(transport);
    await expect(
      producer.transaction(async (tx) => {
        await tx.send({ topic: "orders", key: "a", value: 1 });
        await tx.send({ topic: "orders", key: "b", value: 2 });
        throw new Error("the order row failed to save");
      }),
    ).rejects.toThrow("the order row failed to save");
    expect(committed).toHaveLength(0);
    const m = producer.metrics();
    expect({ sent: m.sent, acked: m.acked, failed: m.failed }).toEqual({ sent: 2, acked: 0, failed: 2 });
    const ended = spans.getFinishedSpans();
    expect(ended).toHaveLength(2);
    expect(ended.every((s) => s.status.code === 2)).toBe(true);
    await producer.close();
  });

  it("a commit that fails: the held messages are failed, not acked", async () => {
    const { transport } = transactionalFake({ failCommit: true });
    const producer = producerOn(transport);
    await expect(
      producer.transaction(async (tx) => {
        await tx.send({ topic: "orders", key: "a", value: 1 });
      }),
    ).rejects.toThrow("commit lost");
    const m = producer.metrics();
    expect({ sent: m.sent, acked: m.acked, failed: m.failed }).toEqual({ sent: 1, acked: 0, failed: 1 });
    expect(spans.getFinishedSpans()).toHaveLength(1);
    await producer.close();
  });

  it("a message refused inside a transaction is counted and its span ended", async () => {
    const { transport } = transactionalFake();
    const producer = producerOn(transport);
    await expect(
      producer.transaction(async (tx) => {
        await tx.send({ topic: "orders", value: "x".repeat(5_000) });
      }),
    ).rejects.toMatchObject({ code: "MESSAGE_TOO_LARGE" });
    const m = producer.metrics();
    expect({ sent: m.sent, acked: m.acked, failed: m.failed }).toEqual({ sent: 1, acked: 0, failed: 1 });
    expect(spans.getFinishedSpans()).toHaveLength(1);
    await producer.close();
  });
});
