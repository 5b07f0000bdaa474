import { checkPartitionCount } from "./partition-input.js";
import type { Partitioner } from "./partitioner.js";

/**
 * Spreads messages evenly: each topic's messages go to partitions 0, 1, 2, ... in turn,
 * whatever their key. Keys therefore do not pin a partition, and messages with the same key
 * lose their relative order across partitions. Each call returns a partitioner with its own
 * counters, so two producers do not share a rotation.
 */
export function roundRobinPartitioner(): Partitioner {
  const nextByTopic = new Map<string, number>();
  return {
    name: "round-robin",
    partition(input) {
      checkPartitionCount("round-robin", input);
      // Taking the modulo on read keeps the rotation valid when the partition count changes.
      const chosen = (nextByTopic.get(input.topic) ?? 0) % input.partitions;
      nextByTopic.set(input.topic, (chosen + 1) % input.partitions);
      return chosen;
    },
  };
}
