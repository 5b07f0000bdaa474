import type { Transport } from "@outbound/core";
import type { TransportName, TrialSpec } from "../types.js";

/**
 * The Outbound transport for a trial, configured like the raw client it is compared with. Each
 * package is imported lazily so a trial loads only the client it measures.
 */
export async function outboundTransport(name: TransportName, spec: TrialSpec): Promise<Transport> {
  const e = spec.endpoints;
  switch (name) {
    case "memory": {
      const { memoryTransport } = await import("@outbound/memory");
      return memoryTransport({ partitions: spec.workload.partitions });
    }
    case "kafka": {
      const { kafkaTransport } = await import("@outbound/kafka");
      // Same as the raw baselines: not idempotent, acks all, no compression.
      return kafkaTransport({ brokers: [e.kafka], idempotent: false, allowAutoTopicCreation: false });
    }
    case "rabbitmq": {
      const { rabbitmqTransport } = await import("@outbound/rabbitmq");
      // Persistent messages to a durable queue through the default exchange, like the amqplib baselines.
      return rabbitmqTransport({
        url: e.amqpUrl,
        destination: "queue",
        declare: { queues: true, durable: true },
        confirmWindow: spec.params.window,
        persistent: true,
      });
    }
    case "sqs": {
      const { sqsTransport } = await import("@outbound/sqs");
      return sqsTransport({ endpoint: e.sqsEndpoint, region: "us-east-1", credentials: sqsCredentials });
    }
    case "pulsar": {
      const { pulsarTransport } = await import("@outbound/pulsar");
      return pulsarTransport({ serviceUrl: e.pulsarUrl });
    }
  }
}

/** A Kafka transport other than the trial's default: @outbound/kafka idempotent, or @outbound/kafkajs. */
export async function kafkaVariant(variant: "idempotent" | "kafkajs", spec: TrialSpec): Promise<Transport> {
  const brokers = [spec.endpoints.kafka];
  if (variant === "kafkajs") {
    const { kafkajsTransport } = await import("@outbound/kafkajs");
    return kafkajsTransport({ brokers, idempotent: false, allowAutoTopicCreation: false });
  }
  const { kafkaTransport } = await import("@outbound/kafka");
  return kafkaTransport({ brokers, idempotent: true, allowAutoTopicCreation: false });
}

/** ElasticMQ accepts any credentials; these are placeholders, not secrets. */
export const sqsCredentials = { accessKeyId: "bench", secretAccessKey: "bench" };
