export { functionPartitioner } from "./function-partitioner.js";
export { javaStringHashCode, javaStringHashOfUtf8, javaStringHashPartitioner } from "./java-string-hash.js";
export { murmur2, murmur2Partitioner, toPositive } from "./murmur2.js";
export { murmur3_32, murmur3Partitioner } from "./murmur3.js";
export type { Partitioner, PartitionFunction, PartitionInput } from "./partitioner.js";
export {
  isKeyHashingPartitioner,
  PARTITIONER_NAMES,
  type PartitionerName,
  type PartitionerSpec,
  resolvePartitioner,
} from "./resolve.js";
export { roundRobinPartitioner } from "./round-robin.js";
export { type StickyPartitioner, type StickyPartitionerOptions, stickyPartitioner } from "./sticky.js";
