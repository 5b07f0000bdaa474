import type { KafkaSubject } from "@outbound/kafka-test-kit";
import { proxiedSocketFactory } from "@outbound/kafka-test-kit";
import { kafkajsTransport } from "../src/index.js";

/** The kafkajs transport as the shared Kafka suites build it; a proxy is dialled through kafkajs's socketFactory. */
export const kafkajsSubject: KafkaSubject = {
  name: "kafkajs",
  transport: ({ proxyPort, ...options }) =>
    kafkajsTransport({
      ...options,
      ...(proxyPort !== undefined ? { socketFactory: proxiedSocketFactory(proxyPort) } : {}),
    }),
  compressions: ["gzip", "lz4", "zstd"],
  retries: "engine",
  dedupWhenIdempotent: false,
};
