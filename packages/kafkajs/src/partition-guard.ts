import type { ICustomPartitioner } from "kafkajs";

/**
 * Thrown by the guard below when a record's partition is missing from kafkajs's cached
 * metadata. Its name is the one kafkajs's send loop reacts to by refreshing metadata, so the
 * next attempt sees the new partitions.
 */
export class PartitionNotInMetadataError extends Error {
  override readonly name = "KafkaJSMetadataNotLoaded";
  readonly retriable = true;
  readonly partitionMissing = true;
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    super(`partition ${partition} of topic "${topic}" is not in the client's metadata yet`);
  }
}

export function isPartitionMissing(error: unknown): boolean {
  let current = error as { partitionMissing?: boolean; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.partitionMissing === true) return true;
    current = current.cause as typeof current;
  }
  return false;
}

/**
 * The engine chooses every partition, so kafkajs's partitioner only passes it through. It also
 * guards against a kafkajs behaviour: a message for a partition that kafkajs's metadata does not
 * know (the topic just grew) is silently left out of the request. Failing instead makes kafkajs
 * refresh its metadata and lets the transport send again.
 */
export const explicitPartitioner: ICustomPartitioner = () => {
  // kafkajs hands every message of a send the same metadata array, so the partition check runs
  // once per batch and partition instead of once per message.
  let checkedMetadata: unknown;
  let checkedPartition = -1;
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const partition = message.partition;
    if (partition === undefined || partition === null) {
      throw new Error("record without a partition reached kafkajs; the engine assigns every partition");
    }
    if (partitionMetadata === checkedMetadata && partition === checkedPartition) return partition;
    if (!partitionMetadata.some((p) => p.partitionId === partition)) {
      throw new PartitionNotInMetadataError(topic, partition);
    }
    checkedMetadata = partitionMetadata;
    checkedPartition = partition;
    return partition;
  };
};
