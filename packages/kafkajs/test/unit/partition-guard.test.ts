import type { PartitionerArgs } from "kafkajs";
import { describe, expect, it } from "vitest";
import { explicitPartitioner, isPartitionMissing } from "../../src/partition-guard.js";

const args = (
  partitionMetadata: PartitionerArgs["partitionMetadata"],
  partition: number,
): PartitionerArgs => ({
  topic: "t",
  partitionMetadata,
  message: { value: null, partition },
});
const meta = (ids: number[]): PartitionerArgs["partitionMetadata"] =>
  ids.map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));

describe("the pass-through partitioner", () => {
  it("returns the engine's partition while the metadata knows it", () => {
    const partitioner = explicitPartitioner();
    const two = meta([0, 1]);
    expect(partitioner(args(two, 1))).toBe(1);
    expect(partitioner(args(two, 1))).toBe(1);
    expect(partitioner(args(two, 0))).toBe(0);
  });

  it("fails for a partition the metadata does not know, even after the same partition passed for other metadata", () => {
    const partitioner = explicitPartitioner();
    expect(partitioner(args(meta([0, 1, 2]), 2))).toBe(2);
    let thrown: unknown;
    try {
      partitioner(args(meta([0, 1]), 2));
    } catch (error) {
      thrown = error;
    }
    expect(isPartitionMissing(thrown)).toBe(true);
  });

  it("refuses a message without a partition", () => {
    const partitioner = explicitPartitioner();
    expect(() => partitioner({ topic: "t", partitionMetadata: meta([0]), message: { value: null } })).toThrow(
      /without a partition/,
    );
  });
});
