import type { Capabilities } from "@outbound/core";
import { defineCapabilities } from "@outbound/core/transport";
import type { ResolvedBrokerOptions } from "../broker/broker-options.js";

/** What the memory broker can do, derived from its current settings. */
export function memoryCapabilities(settings: Readonly<ResolvedBrokerOptions>): Capabilities {
  return defineCapabilities({
    maxBatchRecords: settings.maxBatchRecords,
    maxBatchBytes: settings.maxBatchBytes,
    maxMessageBytes: settings.maxMessageBytes,
    partitioned: true,
    keyOrdering: "partition",
    headers: { supported: true, binaryValues: true },
    dedup:
      settings.dedupWindowMs > 0
        ? { supported: true, windowMs: settings.dedupWindowMs }
        : { supported: false },
    // maxDelayMs 0 turns delay off, so a test can see how a transport without delay behaves.
    delay: settings.maxDelayMs > 0 ? { supported: true, maxMs: settings.maxDelayMs } : { supported: false },
    timestamps: true,
    acks: ["none", "leader", "all"],
  });
}
