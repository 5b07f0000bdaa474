import { OutboundError } from "../errors/index.js";
import type { PartitionInput } from "./partitioner.js";

/**
 * Checks what a built-in partitioner is handed. A bad partition count is a bug in the caller
 * (the engine or a transport's metadata), so it fails loudly rather than routing to a partition
 * that does not exist.
 */
export function checkPartitionCount(partitioner: string, input: PartitionInput): void {
  const n = input.partitions;
  if (!Number.isInteger(n) || n < 1) {
    throw new OutboundError(
      "INTERNAL",
      `partitioner "${partitioner}" was given ${String(n)} partitions for topic "${input.topic}"; expected a positive integer`,
      { details: { partitioner, topic: input.topic, partitions: n } },
    );
  }
}

/** Returns the key's bytes, or throws when a key-hashing partitioner is handed a keyless message. */
export function requireKey(partitioner: string, input: PartitionInput): Uint8Array {
  const key = input.key;
  if (key instanceof Uint8Array) return key;
  throw new OutboundError(
    "INVALID_MESSAGE",
    key === undefined
      ? `partitioner "${partitioner}" hashes keys, and the message for topic "${input.topic}" has none; keyless messages are placed by the sticky partitioner`
      : `partitioner "${partitioner}" expects the key as a Uint8Array, got ${typeof key}`,
    { details: { partitioner, topic: input.topic } },
  );
}

/** Checks a partition a user-supplied partitioner returned. */
export function checkChosenPartition(partitioner: string, input: PartitionInput, chosen: unknown): number {
  if (typeof chosen === "number" && Number.isInteger(chosen) && chosen >= 0 && chosen < input.partitions) {
    return chosen;
  }
  const shown = typeof chosen === "number" ? String(chosen) : `${describe(chosen)} (not a number)`;
  throw new OutboundError(
    "INVALID_MESSAGE",
    `partitioner "${partitioner}" returned ${shown} for topic "${input.topic}"; expected an integer partition in [0, ${input.partitions})`,
    { details: { partitioner, topic: input.topic, partitions: input.partitions } },
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  return typeof value;
}
