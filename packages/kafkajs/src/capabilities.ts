import type { Capabilities } from "@outbound/core";
import { kafkaCapabilities } from "@outbound/kafka-common";
import type { ResolvedKafkajsOptions } from "./config.js";

/**
 * Kafka's own limit on records in a batch is bytes, not count. The count limit is kafkajs's:
 * 2.2.4 groups a send's messages per partition by copying the partition's array for every
 * message, so its cost per message grows with the batch (about 2.5 us at 1000 records, 10 at
 * 5000, 23 at 10000). Past 1000 records a larger batch saves nothing per request worth that.
 */
const MAX_BATCH_RECORDS = 1000;

/** The capabilities of a kafkajs transport with these options. */
export function kafkajsCapabilities(options: ResolvedKafkajsOptions): Capabilities {
  const capabilities = kafkaCapabilities(options, {
    maxBatchRecords: MAX_BATCH_RECORDS,
    orderedInFlight: 1,
    retries: "engine",
  });
  // Even with `idempotent`, a request the engine gives up on is retried in a new batch with new
  // sequence numbers, which the broker cannot recognise: the fault matrix stores duplicates then.
  return { ...capabilities, dedup: { supported: false } };
}
