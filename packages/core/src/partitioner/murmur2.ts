import { checkPartitionCount, requireKey } from "./partition-input.js";
import type { Partitioner } from "./partitioner.js";

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * MurmurHash2 (32-bit) as Kafka's Java client computes it (`Utils.murmur2`): seed `0x9747b28c`,
 * little-endian 4-byte blocks. Returns a signed 32-bit integer, the same value Java returns.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail cases fall through on purpose, exactly like the Java switch.
  switch (length & 3) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: Kafka's algorithm folds the tail bytes cumulatively
    case 3:
      h ^= data[blocksEnd + 2]! << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: as above
    case 2:
      h ^= data[blocksEnd + 1]! << 8;
    case 1:
      h ^= data[blocksEnd]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which differs for negative values). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * Kafka's default for keyed records: `toPositive(murmur2(key)) % partitions`, so a key lands on
 * the same partition as with the Java client (and librdkafka's `murmur2_random`).
 */
export const murmur2Partitioner: Partitioner = {
  name: "murmur2",
  partition(input) {
    const key = requireKey("murmur2", input);
    checkPartitionCount("murmur2", input);
    return toPositive(murmur2(key)) % input.partitions;
  },
};
