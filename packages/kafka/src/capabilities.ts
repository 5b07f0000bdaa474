import type { Capabilities } from "@outbound/core";
import { kafkaCapabilities as commonCapabilities } from "@outbound/kafka-common";
import type { ResolvedKafkaOptions } from "./config.js";

/**
 * Kafka limits a batch by bytes, not count; this count only keeps one batch's encoding (a few
 * milliseconds at most) from holding the event loop.
 */
const MAX_BATCH_RECORDS = 10_000;

/**
 * The capabilities of a Kafka transport with these options. The transport resends failed batches
 * itself (`retries: "transport"`): an idempotent batch must go again with its sequence numbers.
 * With idempotence several batches per partition may be in flight, as the broker orders them by
 * sequence; without it one, so a retry cannot overtake the batch behind it.
 */
export function kafkaCapabilities(options: ResolvedKafkaOptions): Capabilities {
  return commonCapabilities(options, {
    maxBatchRecords: MAX_BATCH_RECORDS,
    orderedInFlight: options.idempotent ? options.maxInFlightRequests : 1,
    retries: "transport",
  });
}
