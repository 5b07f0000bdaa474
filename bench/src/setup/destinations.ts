import type { SQSClient } from "@aws-sdk/client-sqs";
import { connect } from "amqplib";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { sqsCredentials } from "../drivers/outbound-transports.js";
import type { Endpoints, TransportName, Workload } from "../types.js";

/**
 * Creates the destination each trial writes to, in the parent, with the brokers' own clients, so
 * Outbound and the raw client it is compared with always find the same layout. Queues (RabbitMQ,
 * SQS) and Kafka topics are fresh per trial and deleted after it: they have no consumer, so
 * queues would grow until the broker throttles, charging later trials for earlier ones, and a
 * Kafka topic keeps everything for its retention time: a full Kafka run writes tens of GB (one
 * filled this machine's disk and took the broker down mid-run).
 */
export class Destinations {
  private readonly pulsarTopics = new Map<number, string>();
  private sequence = 0;

  constructor(
    private readonly endpoints: Endpoints,
    private readonly runId: string,
  ) {}

  async prepare(transport: TransportName, workload: Workload): Promise<string> {
    switch (transport) {
      case "memory":
        return `bench-${this.runId}`;
      case "kafka":
        return this.kafkaTopic(workload.partitions);
      case "pulsar":
        return this.pulsarTopic(workload.partitions);
      case "rabbitmq": {
        const name = `bench-${this.runId}-${++this.sequence}`;
        const connection = await connect(this.endpoints.amqpUrl);
        try {
          const channel = await connection.createChannel();
          await channel.assertQueue(name, { durable: true });
        } finally {
          await connection.close();
        }
        return name;
      }
      case "sqs": {
        const name = `bench-${this.runId}-${++this.sequence}`;
        const { CreateQueueCommand } = await import("@aws-sdk/client-sqs");
        await this.withSqs((sqs) => sqs.send(new CreateQueueCommand({ QueueName: name })));
        return name;
      }
    }
  }

  async cleanup(transport: TransportName, topic: string): Promise<void> {
    try {
      if (transport === "rabbitmq") {
        const connection = await connect(this.endpoints.amqpUrl);
        try {
          const channel = await connection.createChannel();
          await channel.deleteQueue(topic);
        } finally {
          await connection.close();
        }
      } else if (transport === "kafka") {
        await this.withKafkaAdmin((admin) => admin.deleteTopics({ topics: [topic] }));
      } else if (transport === "sqs") {
        const { DeleteQueueCommand, GetQueueUrlCommand } = await import("@aws-sdk/client-sqs");
        await this.withSqs(async (sqs) => {
          const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: topic }))).QueueUrl;
          await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
        });
      }
    } catch {
      // A leftover queue or topic costs broker memory or disk, not a wrong number.
    }
  }

  private async kafkaTopic(partitions: number): Promise<string> {
    const topic = `bench-${this.runId}-${++this.sequence}-p${partitions}`;
    await this.withKafkaAdmin(async (admin) => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      });
      // Metadata names the leader a moment before the leader serves the partition; ListOffsets
      // succeeds only once it does, so no trial starts on a topic that answers NOT_LEADER.
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await admin.fetchTopicOffsets(topic);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    });
    return topic;
  }

  private async withKafkaAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Kafka({
      clientId: "bench-setup",
      brokers: [this.endpoints.kafka],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private async pulsarTopic(partitions: number): Promise<string> {
    const known = this.pulsarTopics.get(partitions);
    if (known) return known;
    const topic = `bench-${this.runId}-p${partitions}`;
    if (partitions > 1) {
      const url = `${this.endpoints.pulsarHttp}/admin/v2/persistent/public/default/${topic}/partitions`;
      const response = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: String(partitions),
      });
      if (!response.ok && response.status !== 409) {
        throw new Error(`pulsar: creating ${topic} with ${partitions} partitions: HTTP ${response.status}`);
      }
    }
    this.pulsarTopics.set(partitions, topic);
    return topic;
  }

  /** The SDK is loaded only when SQS is benchmarked (and after main.ts filtered its Node 20 warning). */
  private async withSqs<T>(fn: (sqs: SQSClient) => Promise<T>): Promise<T> {
    const { SQSClient } = await import("@aws-sdk/client-sqs");
    const sqs = new SQSClient({
      endpoint: this.endpoints.sqsEndpoint,
      region: "us-east-1",
      credentials: sqsCredentials,
    });
    try {
      return await fn(sqs);
    } finally {
      sqs.destroy();
    }
  }
}
