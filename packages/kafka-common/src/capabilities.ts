import type { Capabilities } from "@outbound/core";
import { defineCapabilities } from "@outbound/core/transport";
import { RECORD_FRAMING_RESERVE_BYTES, type ResolvedKafkaCommonOptions } from "./options.js";

/** What differs between the two clients' capabilities. */
export interface KafkaClientLimits {
  /** Most records the client handles well in one batch. */
  maxBatchRecords: number;
  /** Requests per partition that may be in flight without reordering under retries. */
  orderedInFlight: number;
  /** Who resends a failed batch: the engine, or the transport with the batch's sequence numbers. */
  retries: NonNullable<Capabilities["retries"]>;
}

/** The capabilities of a Kafka transport with these options, on a client with these limits. */
export function kafkaCapabilities(
  options: ResolvedKafkaCommonOptions,
  limits: KafkaClientLimits,
): Capabilities {
  return defineCapabilities({
    maxBatchRecords: limits.maxBatchRecords,
    maxBatchBytes: options.maxBatchBytes,
    maxMessageBytes: options.maxMessageBytes - RECORD_FRAMING_RESERVE_BYTES,
    partitioned: true,
    keyOrdering: "partition",
    headers: { supported: true, binaryValues: true },
    // Kafka deduplicates only a producer's retried batches (idempotence), not by message id.
    dedup: { supported: options.idempotent },
    timestamps: true,
    acks: options.idempotent ? ["all"] : ["none", "leader", "all"],
    transactions: options.transactionalId !== undefined,
    orderedInFlight: limits.orderedInFlight,
    retries: limits.retries,
  });
}
