import type { KafkaSubject } from "@outbound/kafka-test-kit";
import { kafkaTransport } from "../src/index.js";

/**
 * The Kafka transport as the shared Kafka suites build it. A proxy is dialled by bootstrapping
 * through it and mapping every advertised broker address to it (`brokerAddress`).
 */
export const kafkaSubject: KafkaSubject = {
  name: "kafka",
  transport: ({ proxyPort, ...options }) =>
    kafkaTransport({
      ...options,
      ...(proxyPort !== undefined
        ? {
            brokers: [`127.0.0.1:${proxyPort}`],
            brokerAddress: () => ({ host: "127.0.0.1", port: proxyPort }),
          }
        : {}),
    }),
  compressions: ["gzip", "snappy", "lz4", "zstd"],
  retries: "transport",
  dedupWhenIdempotent: true,
};
