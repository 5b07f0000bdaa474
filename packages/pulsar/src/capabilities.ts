import type { Capabilities } from "@outbound/core";
import { defineCapabilities } from "@outbound/core/transport";
import type { ResolvedPulsarConfig } from "./config.js";

/** What the Pulsar transport can do with this config; the engine, the contract suite and docs/transports/pulsar.md read it. */
export function pulsarCapabilities(config: ResolvedPulsarConfig): Capabilities {
  return defineCapabilities({
    maxBatchRecords: config.batchMaxRecords,
    maxBatchBytes: config.batchMaxBytes,
    maxMessageBytes: config.maxMessageBytes,
    partitioned: true,
    keyOrdering: "partition",
    headers: { supported: true, binaryValues: false },
    // Sequence ids let the broker drop resent messages when deduplication is enabled on the
    // namespace; the transport resends with the same ids after a reconnect.
    dedup: { supported: true },
    delay: { supported: true },
    timestamps: true,
    acks: ["none", "leader", "all"],
    defaultPartitioner: "java-string-hash",
    // A SEND_ERROR fails one SEND while later ones may succeed, so pipelining could reorder
    // under retries; connection loss alone would not (pending SENDs are resent in order).
    orderedInFlight: 1,
  });
}
