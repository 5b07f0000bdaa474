export interface PartitionInput {
  topic: string;
  /** The key's bytes; `undefined` for keyless messages (the engine handles those itself). */
  key: Uint8Array | undefined;
  /** Partition count, at least 1. */
  partitions: number;
}

/** Picks a partition in `[0, partitions)` for a keyed message. */
export interface Partitioner {
  readonly name: string;
  partition(input: PartitionInput): number;
}

/** A user function is accepted wherever a `Partitioner` is. */
export type PartitionFunction = (input: PartitionInput) => number;
