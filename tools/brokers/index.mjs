/**
 * Programmatic entry to the broker manager, for vitest global setups, benches and scripts.
 * The CLI (`pnpm brokers`) is a thin layer over the same functions.
 */
import { isExternal } from "./endpoints.mjs";
import { up } from "./lib/manager.mjs";

export { kafkaLibDir, kafkaSaslUser } from "./brokers/kafka.mjs";
export {
  KAFKA_CLUSTER_NODES,
  kafkaNodePid,
  signalKafkaNode,
  startKafkaNode,
  waitForKafkaCluster,
} from "./brokers/kafka-cluster.mjs";
export {
  RABBITMQ_CLUSTER_NODES,
  rabbitmqctlOn,
  rabbitNodePid,
  signalRabbitNode,
  startRabbitNode,
  waitForRabbitCluster,
} from "./brokers/rabbitmq-cluster.mjs";
export { endpoints, isExternal, overrideVariables } from "./endpoints.mjs";
export { down, fetch, logs, status, up } from "./lib/manager.mjs";
export { cacheDir, runDir } from "./lib/paths.mjs";

/**
 * Makes sure `names` are up: starts any that are not (fetching on first use), leaves running ones
 * alone, and skips those an environment override points elsewhere. Brokers stay up afterwards, so
 * the next test run starts in seconds.
 * @param {import("./endpoints.d.mts").BrokerName[]} names
 * @param {{ print?: (line: string) => void }} [options]
 */
export async function ensureBrokers(names, { print = (line) => console.log(`[brokers] ${line}`) } = {}) {
  let local = names.filter((name) => !isExternal(name));
  // OUTBOUND_BROKERS=containers: tools/containers runs the brokers it knows (kafka, kafka-cluster) as
  // Docker containers on the same ports, and hands the rest back to be started natively here.
  if (process.env.OUTBOUND_BROKERS === "containers" && local.length > 0) {
    const { ensureContainerBrokers } = await import("../containers/provision.mjs");
    local = await ensureContainerBrokers(local, { print });
  }
  if (local.length === 0) return;
  await up(local, { print });
}
