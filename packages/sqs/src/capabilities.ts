import type { Capabilities } from "@outbound/core";
import { defineCapabilities } from "@outbound/core/transport";
import { MAX_USER_ATTRIBUTES } from "./attributes.js";
import { MAX_BATCH_ENTRIES } from "./batching.js";
import type { ResolvedSqsConfig } from "./config.js";
import { FIFO_DEDUP_WINDOW_MS } from "./fifo.js";
import { MAX_DELAY_SECONDS } from "./mapping.js";

/**
 * SendMessageBatch requests one engine batch may become. They run concurrently (FIFO requests
 * that share a message group wait for each other), which is how the engine, with one batch in
 * flight per queue, keeps up with a hand-written client sending batches of 10 side by side.
 */
export const REQUESTS_PER_BATCH = 10;

/** What the SQS transport can do; the engine, the contract suite and docs/transports/sqs.md read it. */
export function sqsCapabilities(
  config: Pick<ResolvedSqsConfig, "maxMessageBytes" | "maxBatchBytes">,
): Capabilities {
  return defineCapabilities({
    maxBatchRecords: MAX_BATCH_ENTRIES * REQUESTS_PER_BATCH,
    maxBatchBytes: config.maxBatchBytes * REQUESTS_PER_BATCH,
    maxMessageBytes: config.maxMessageBytes,
    partitioned: false,
    // Keys order messages within a FIFO queue's message group; standard queues do not order.
    keyOrdering: "group",
    // Two of SQS's 10 attributes carry the content type and the key.
    headers: { supported: true, maxCount: MAX_USER_ATTRIBUTES, binaryValues: true },
    // FIFO queues only; a standard queue does not deduplicate.
    dedup: { supported: true, windowMs: FIFO_DEDUP_WINDOW_MS },
    // Standard queues only; FIFO queues reject a per-message delay.
    delay: { supported: true, maxMs: MAX_DELAY_SECONDS * 1000 },
    // SQS stamps SentTimestamp itself; carrying ours would cost one of the 10 attributes.
    timestamps: false,
    // Every SendMessageBatch answer is an acknowledgment; `none` and `leader` are served as `all`.
    acks: ["all"],
    // One request per queue in flight keeps FIFO groups in order across the engine's retries.
    orderedInFlight: 1,
  });
}
