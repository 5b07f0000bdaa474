import { describe, expect, it } from "vitest";
import {
  type Capabilities,
  createProducer,
  type RecordBatch,
  type RecordResult,
  type Transport,
} from "../src/index.js";

const caps: Capabilities = {
  maxBatchRecords: 100,
  maxBatchBytes: 1 << 20,
  maxMessageBytes: 1 << 20,
  partitioned: true,
  keyOrdering: "partition",
  headers: { supported: true, binaryValues: true },
  dedup: { supported: false },
  delay: { supported: false },
  timestamps: true,
  acks: ["none", "leader", "all"],
  transactions: false,
  defaultPartitioner: "murmur2",
  orderedInFlight: 1,
};

function fake(): Transport & { batches: RecordBatch[] } {
  const batches: RecordBatch[] = [];
  let offset = 0;
  return {
    name: "fake",
    capabilities: caps,
    batches,
    connect: async () => {},
    partitions: async () => 4,
    send: async (b): Promise<RecordResult[]> => {
      batches.push(b);
      return b.records.map(() => ({ ok: true, offset: String(offset++) }));
    },
    close: async () => {},
  };
}

describe("engine smoke", () => {
  it("sends and batches", async () => {
    const t = fake();
    const p = createProducer({ transport: t });
    const reports = await Promise.all(
      Array.from({ length: 500 }, (_, i) => p.send({ topic: "a", key: `k${i % 7}`, value: { i } })),
    );
    expect(reports).toHaveLength(500);
    expect(t.batches.length).toBeLessThan(50);
    const m = p.metrics();
    expect(m.acked).toBe(500);
    await p.close();
  });
});
