import { ensureBrokers } from "../index.mjs";

/**
 * vitest global setup for the fault matrix: the single-node brokers it crashes and restarts, the
 * three-node Kafka cluster, and toxiproxy. No teardown: the brokers stay up for the next run.
 */
export default async function setup() {
  await ensureBrokers([
    "toxiproxy",
    "sqs",
    "rabbitmq",
    "kafka",
    "pulsar",
    "kafka-cluster",
    "rabbitmq-cluster",
  ]);
}
