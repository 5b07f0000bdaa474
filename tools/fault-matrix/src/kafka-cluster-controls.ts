/**
 * The Kafka cluster's node controls: the local processes of tools/brokers, or, with
 * OUTBOUND_BROKERS=containers, the containers of tools/containers (same names and semantics), so
 * the same cases run on both ways of provisioning.
 */
import * as native from "../../brokers/index.mjs";

type Controls = Pick<
  typeof native,
  "KAFKA_CLUSTER_NODES" | "kafkaNodePid" | "signalKafkaNode" | "startKafkaNode" | "waitForKafkaCluster"
>;

const inContainers =
  process.env.OUTBOUND_BROKERS === "containers" &&
  (process.env.OUTBOUND_CONTAINER_BROKERS ?? "kafka,kafka-cluster")
    .split(",")
    .some((n) => ["kafka-cluster", "all"].includes(n.trim()));

export const clusterControls: Controls = inContainers
  ? ((await import("../../containers/provision.mjs")) as unknown as Controls)
  : native;

/** Where the cluster runs, for the matrix's rows. */
export const clusterProvisioning = inContainers ? "containers" : "local processes";
