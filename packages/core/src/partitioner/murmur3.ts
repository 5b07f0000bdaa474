import { checkPartitionCount, requireKey } from "./partition-input.js";
import type { Partitioner } from "./partitioner.js";

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86 32-bit over bytes. Returns an unsigned 32-bit integer. */
export function murmur3_32(data: Uint8Array, seed = 0): number {
  const length = data.length;
  let h = seed | 0;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  // The tail cases fall through on purpose: each adds one more byte to the last block.
  switch (length & 3) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: the tail bytes accumulate
    case 3:
      k ^= data[blocksEnd + 2]! << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: as above
    case 2:
      k ^= data[blocksEnd + 1]! << 8;
    case 1:
      k ^= data[blocksEnd]!;
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Pulsar's `HashingScheme.Murmur3_32Hash`: murmur3 x86_32 with seed 0 over the key's UTF-8
 * bytes, `& Integer.MAX_VALUE`, then modulo the partition count. Matches the Java client's
 * routing of keyed messages. (The Java client hashes a binary key, set with `keyBytes`, in its
 * base64 form; this partitioner always hashes the bytes the engine hands it.)
 */
export const murmur3Partitioner: Partitioner = {
  name: "murmur3",
  partition(input) {
    const key = requireKey("murmur3", input);
    checkPartitionCount("murmur3", input);
    return (murmur3_32(key) & 0x7fffffff) % input.partitions;
  },
};
