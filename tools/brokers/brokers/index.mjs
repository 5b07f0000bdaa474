import { kafka } from "./kafka.mjs";
import { kafkaCluster } from "./kafka-cluster.mjs";
import { postgres } from "./postgres.mjs";
import { pulsar } from "./pulsar.mjs";
import { pulsarAuth } from "./pulsar-auth.mjs";
import { rabbitmq } from "./rabbitmq.mjs";
import { rabbitmqCluster } from "./rabbitmq-cluster.mjs";
import { sqs } from "./sqs.mjs";
import { toxiproxy } from "./toxiproxy.mjs";

/** @type {Record<string, import("../lib/broker.mjs").Broker>} */
const registry = {
  kafka,
  rabbitmq,
  sqs,
  pulsar,
  toxiproxy,
  postgres,
  "pulsar-auth": pulsarAuth,
  "kafka-cluster": kafkaCluster,
  "rabbitmq-cluster": rabbitmqCluster,
};

export const allBrokers = Object.values(registry);

/** The broker definition for `name`; throws on a name this tool does not manage. */
export function brokerByName(name) {
  const broker = registry[name];
  if (!broker) {
    throw new Error(`unknown broker "${name}"; known: ${Object.keys(registry).join(", ")}`);
  }
  return broker;
}
