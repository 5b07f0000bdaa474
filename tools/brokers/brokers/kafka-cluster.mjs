import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel } from "kafkajs";
import { brokerRunDir } from "../lib/paths.mjs";
import { isAlive, isOurs, run, spawnDetached, stopGroup } from "../lib/process.mjs";
import { kafka, kafkaLibDir } from "./kafka.mjs";

/**
 * A three-node Kafka KRaft cluster for the fault matrix: every node is broker and controller, with
 * its own ports and data dir, replication factor 3 and min.insync.replicas 2, as production
 * clusters run. Nodes are separate processes the fault tests kill, stop and restart one by one.
 */
export const KAFKA_CLUSTER_NODES = [1, 2, 3].map((id) => ({
  id,
  port: 29092 + id * 100,
  controllerPort: 29093 + id * 100,
}));

const runDirOf = () => brokerRunDir("kafka-cluster");
const nodeDir = (id) => join(runDirOf(), `node-${id}`);
const nodeLog = (id) => join(nodeDir(id), "kafka.log");
const pidsFile = () => join(runDirOf(), "pids.json");

/** Heap per node: three JVMs share two cores and 24 GiB with the single-node brokers. */
const HEAP = ["-Xms256m", "-Xmx512m"];

function readPids() {
  try {
    return JSON.parse(readFileSync(pidsFile(), "utf8"));
  } catch {
    return {};
  }
}

function writePid(id, pid) {
  const pids = readPids();
  pids[id] = pid;
  writeFileSync(pidsFile(), `${JSON.stringify(pids)}\n`);
}

/**
 * Topic, replication and internal-topic settings of the three-node cluster, shared with its
 * container image (tools/containers), so both ways of running it behave the same.
 */
export const CLUSTER_SETTINGS = `num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.segment.bytes=33554432
log.retention.hours=24
# A restarted node rejoins the ISR quickly, so a rolling restart does not wait on it for long.
replica.lag.time.max.ms=10000`;

function properties(node) {
  const voters = KAFKA_CLUSTER_NODES.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",");
  return `# Written by tools/brokers on every start; edit tools/brokers/brokers/kafka-cluster.mjs instead.
process.roles=broker,controller
node.id=${node.id}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${join(nodeDir(node.id), "data")}
${CLUSTER_SETTINGS}
`;
}

function log4j() {
  return `status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
logger.server.name = kafka.server.KafkaServer
logger.server.level = info
logger.raft.name = org.apache.kafka.raft
logger.raft.level = warn
`;
}

const javaArgs = (id, main, args) => [
  `-Dlog4j2.configurationFile=${join(nodeDir(id), "log4j2.properties")}`,
  "-cp",
  `${kafkaLibDir()}/*`,
  main,
  ...args,
];

/** Starts one node's JVM (its data dir already formatted); returns its pid. */
export function startKafkaNode(id) {
  const pid = spawnDetached(
    "java",
    [
      ...HEAP,
      "-XX:+UseG1GC",
      "-Djava.awt.headless=true",
      ...javaArgs(id, "kafka.Kafka", [join(nodeDir(id), "server.properties")]),
    ],
    { cwd: nodeDir(id), log: nodeLog(id) },
  );
  writePid(id, pid);
  return pid;
}

/** The pid of node `id` while it runs, else undefined. */
export function kafkaNodePid(id) {
  const pid = readPids()[id];
  return pid && isOurs(pid, nodeDir(id)) ? pid : undefined;
}

/**
 * Sends `signal` to node `id`'s JVM: SIGKILL (a crash), SIGTERM (a clean shutdown), SIGSTOP and
 * SIGCONT (a hung broker). Resolves once a killed node is gone.
 */
export async function signalKafkaNode(id, signal) {
  const pid = kafkaNodePid(id);
  if (!pid) throw new Error(`kafka-cluster node ${id} is not running`);
  process.kill(pid, signal);
  if (signal === "SIGKILL" || signal === "SIGTERM") {
    const deadline = Date.now() + 60_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) throw new Error(`kafka-cluster node ${id} did not exit after ${signal}`);
  }
}

/** Waits until every node is in the cluster's metadata, as seen from node `via`. */
export function waitForKafkaCluster(timeoutMs = 120_000, via = 1) {
  const node = KAFKA_CLUSTER_NODES.find((n) => n.id === via) ?? KAFKA_CLUSTER_NODES[0];
  return waitForKafkaBrokers(node.port, KAFKA_CLUSTER_NODES.length, timeoutMs);
}

/** Waits until the broker on `port` lists `expected` brokers in its metadata. */
export async function waitForKafkaBrokers(port, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const count = await brokerCount(port);
      if (count === expected) return;
      last = new Error(`${count} of ${expected} nodes in the metadata`);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`kafka-cluster not whole: ${last?.message ?? last}`);
    await sleep(500);
  }
}

async function brokerCount(port, timeoutMs = 5000) {
  const client = new Kafka({
    clientId: "outbound-brokers-health",
    brokers: [`127.0.0.1:${port}`],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** @type {import("../lib/broker.mjs").Broker} */
export const kafkaCluster = {
  name: "kafka-cluster",
  version: kafka.version,
  ports: Object.fromEntries(
    KAFKA_CLUSTER_NODES.flatMap((n) => [
      [`node${n.id}`, n.port],
      [`controller${n.id}`, n.controllerPort],
    ]),
  ),
  startTimeoutMs: 240_000,
  log: nodeLog(1),
  dataDirs: KAFKA_CLUSTER_NODES.map((n) => join(nodeDir(n.id), "data")),
  marker: runDirOf(),
  fetchesWithMaven: true,
  // The same jars as the single-node broker.
  fetch: (onStart) => kafka.fetch(onStart),

  running: () => KAFKA_CLUSTER_NODES.some((n) => kafkaNodePid(n.id) !== undefined),

  async start() {
    mkdirSync(runDirOf(), { recursive: true });
    const idFile = join(runDirOf(), "cluster-id");
    let clusterId = existsSync(idFile) ? readFileSync(idFile, "utf8").trim() : "";
    if (
      !clusterId ||
      KAFKA_CLUSTER_NODES.some((n) => !existsSync(join(nodeDir(n.id), "data", "meta.properties")))
    ) {
      clusterId = (await run("java", javaArgs(1, "kafka.tools.StorageTool", ["random-uuid"])))
        .trim()
        .split("\n")
        .pop();
      writeFileSync(idFile, clusterId);
    }
    for (const node of KAFKA_CLUSTER_NODES) {
      mkdirSync(nodeDir(node.id), { recursive: true });
      writeFileSync(join(nodeDir(node.id), "server.properties"), properties(node));
      writeFileSync(join(nodeDir(node.id), "log4j2.properties"), log4j());
      // A log dir formatted for another cluster id refuses to start, so format only an empty one.
      if (!existsSync(join(nodeDir(node.id), "data", "meta.properties"))) {
        await run(
          "java",
          javaArgs(node.id, "kafka.tools.StorageTool", [
            "format",
            "-t",
            clusterId,
            "-c",
            join(nodeDir(node.id), "server.properties"),
          ]),
          {
            log: nodeLog(node.id),
          },
        );
      }
    }
    // All three at once: a controller quorum needs two of them before any node is healthy.
    const pids = KAFKA_CLUSTER_NODES.map((n) => startKafkaNode(n.id));
    return pids[0];
  },

  async stop() {
    await Promise.all(
      KAFKA_CLUSTER_NODES.map(async (n) => {
        const pid = kafkaNodePid(n.id);
        if (pid) {
          // A stopped (SIGSTOP) node cannot act on SIGTERM.
          try {
            process.kill(pid, "SIGCONT");
          } catch {}
          await stopGroup(pid);
        }
      }),
    );
  },

  async health(timeoutMs) {
    const count = await brokerCount(KAFKA_CLUSTER_NODES[0].port, timeoutMs);
    if (count !== KAFKA_CLUSTER_NODES.length)
      throw new Error(`${count} of ${KAFKA_CLUSTER_NODES.length} nodes up`);
    return count;
  },
};
