import type { Capabilities } from "@outbound/core";
import { defineCapabilities } from "@outbound/core/transport";
import type { ResolvedRabbitMqConfig } from "./config.js";

/** What the RabbitMQ transport can do with this config; the engine, the contract suite and docs/transports/rabbitmq.md read it. */
export function rabbitMqCapabilities(config: ResolvedRabbitMqConfig): Capabilities {
  return defineCapabilities({
    // A batch is published message by message and pipelined; a batch as large as the confirm
    // window keeps the window full with one request in flight per partition.
    maxBatchRecords: config.confirmWindow,
    maxBatchBytes: 16 * 1024 * 1024,
    maxMessageBytes: config.maxMessageBytes,
    partitioned: true,
    keyOrdering: "partition",
    headers: { supported: true, binaryValues: true },
    timestamps: true,
    // `leader` and `all` both wait for the publisher confirm: RabbitMQ has a single level.
    acks: ["none", "leader", "all"],
  });
}
