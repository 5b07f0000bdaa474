/**
 * The fault matrix on a three-node Kafka cluster (replication 3, min.insync.replicas 2, acks all),
 * for both Kafka transports with idempotence: keyed messages stream with many sends in flight
 * while a node crashes, restarts, hangs or is cut off from the producer, and every message is
 * read back with kafkajs's consumer and counted.
 */
import net from "node:net";
import { createProducer, type Producer, type Transport } from "@outbound/core";
import { kafkaTransport } from "@outbound/kafka";
import { createKafkaProbe, kafkaProxy, text, uniqueTopic } from "@outbound/kafka-test-kit";
import { kafkajsTransport } from "@outbound/kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterControls, clusterProvisioning } from "../src/kafka-cluster-controls.js";

const { KAFKA_CLUSTER_NODES, kafkaNodePid, signalKafkaNode, startKafkaNode, waitForKafkaCluster } =
  clusterControls;

import { assertCounts } from "../src/assert.js";
import { count, type SentMessage, type StoredCopy } from "../src/counts.js";
import { recordResult, writeReliabilityPage } from "../src/result.js";
import { streamThroughFault } from "../src/stream.js";

const PARTITIONS = 6;
const KEYS = 1000;
const RATE = 2000;
const DELIVERY_TIMEOUT_MS = 120_000;
/** Settlement later than the deadline by more than this is a failure. */
const SETTLE_BOUND_MS = 1000;

/** Each node reached through its own toxiproxy proxy, so one node can be cut off from the producer. */
const proxyPort = (id: number) => 29195 + (id - 1) * 100;
const nodeOfPort = new Map(KAFKA_CLUSTER_NODES.map((n) => [n.port, n.id]));
const bootstrapProxies = KAFKA_CLUSTER_NODES.map((n) => `127.0.0.1:${proxyPort(n.id)}`);

const probe = createKafkaProbe({ brokers: KAFKA_CLUSTER_NODES.map((n) => `127.0.0.1:${n.port}`) });
const proxies = new Map<number, Awaited<ReturnType<typeof kafkaProxy>>>();

interface Subject {
  name: string;
  settings: string;
  claimsDedup: boolean;
  transport(): Transport;
}

const subjects: Subject[] = [
  {
    name: "kafka",
    settings: "idempotent",
    claimsDedup: true,
    transport: () =>
      kafkaTransport({
        brokers: bootstrapProxies,
        brokerAddress: ({ nodeId }) => ({ host: "127.0.0.1", port: proxyPort(nodeId) }),
        requestTimeoutMs: 10_000,
      }),
  },
  {
    name: "kafkajs",
    settings: "idempotent",
    // Its capabilities claim no dedup: the engine's retries after a timeout take new sequence numbers.
    claimsDedup: false,
    transport: () =>
      kafkajsTransport({
        brokers: bootstrapProxies,
        idempotent: true,
        requestTimeoutMs: 10_000,
        socketFactory: ({ port, onConnect }) => {
          const node = nodeOfPort.get(port);
          const socket = net.connect({ host: "127.0.0.1", port: node ? proxyPort(node) : port }, onConnect);
          socket.setKeepAlive(true, 60_000);
          return socket;
        },
      }),
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function leaderOf(topic: string): Promise<number> {
  const leaders = await probe.leaders(topic);
  const leader = leaders.get(0);
  if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic}[0]`);
  return leader;
}

/** Restarts node `id` and waits until the cluster lists every node again. */
async function restart(id: number): Promise<void> {
  if (!kafkaNodePid(id)) startKafkaNode(id);
  await waitForKafkaCluster(120_000, id === 1 ? 2 : 1);
}

interface FaultCase {
  name: string;
  run(topic: string): Promise<void>;
  /** Not run on transports listed here (kept short in CI: they repeat another case's finding). */
  skip?: string[];
}

const cases: FaultCase[] = [
  {
    name: "leader kill -9, restart after 15 s",
    async run(topic) {
      const leader = await leaderOf(topic);
      await signalKafkaNode(leader, "SIGKILL");
      await sleep(15_000);
      await restart(leader);
    },
  },
  {
    name: "rolling restart, SIGTERM each node",
    skip: ["kafkajs"],
    async run() {
      for (const node of KAFKA_CLUSTER_NODES) {
        await signalKafkaNode(node.id, "SIGTERM");
        await restart(node.id);
        // Let the restarted node catch up and rejoin the ISR before the next one goes.
        await sleep(3000);
      }
    },
  },
  {
    name: "producer cut from the leader for 20 s (toxiproxy timeout)",
    async run(topic) {
      const leader = await leaderOf(topic);
      const proxy = proxies.get(leader)!;
      await proxy.addToxic({
        name: "held-up",
        type: "timeout",
        stream: "upstream",
        attributes: { timeout: 0 },
      });
      await proxy.addToxic({
        name: "held-down",
        type: "timeout",
        stream: "downstream",
        attributes: { timeout: 0 },
      });
      await sleep(20_000);
      await proxy.removeToxic("held-up");
      await proxy.removeToxic("held-down");
    },
  },
  {
    name: "producer's connections to the leader reset for 20 s (toxiproxy reset_peer)",
    skip: ["kafkajs"],
    async run(topic) {
      const leader = await leaderOf(topic);
      const proxy = proxies.get(leader)!;
      await proxy.addToxic({
        name: "reset",
        type: "reset_peer",
        stream: "upstream",
        attributes: { timeout: 500 },
      });
      await sleep(20_000);
      await proxy.removeToxic("reset");
    },
  },
  {
    name: "leader hung (SIGSTOP) for 20 s",
    async run(topic) {
      const leader = await leaderOf(topic);
      await signalKafkaNode(leader, "SIGSTOP");
      await sleep(20_000);
      await signalKafkaNode(leader, "SIGCONT");
      await waitForKafkaCluster(120_000);
    },
  },
];

beforeAll(async () => {
  await waitForKafkaCluster();
  for (const node of KAFKA_CLUSTER_NODES) {
    const proxy = await kafkaProxy(
      `fault-kafka-node-${node.id}`,
      proxyPort(node.id),
      `127.0.0.1:${node.port}`,
    );
    proxies.set(node.id, proxy);
  }
}, 180_000);

afterAll(async () => {
  for (const proxy of proxies.values()) await proxy.remove().catch(() => undefined);
  // Leave the cluster whole for whatever runs next.
  for (const node of KAFKA_CLUSTER_NODES) {
    if (kafkaNodePid(node.id)) await signalKafkaNode(node.id, "SIGCONT").catch(() => undefined);
    else startKafkaNode(node.id);
  }
  await waitForKafkaCluster().catch(() => undefined);
  await probe.close();
  writeReliabilityPage();
}, 180_000);

async function readStored(topic: string, atLeast: number): Promise<StoredCopy[]> {
  const messages = await probe.read(topic, { count: atLeast, timeoutMs: 60_000 });
  return messages.map((m) => ({
    n: Number(text(m.value)),
    key: text(m.key) ?? "",
    partition: m.partition,
    position: Number(m.offset),
  }));
}

for (const subject of subjects)
  describe(`kafka-cluster, ${subject.name} (${subject.settings})`, () => {
    for (const fault of cases.filter((c) => !c.skip?.includes(subject.name)))
      it(fault.name, { timeout: 300_000 }, async () => {
        const topic = uniqueTopic(`fault-${subject.name}`);
        await probe.createTopic(topic, {
          partitions: PARTITIONS,
          replicationFactor: 3,
          configs: { "min.insync.replicas": "2" },
        });
        const producer: Producer = createProducer({
          transport: subject.transport(),
          serializer: "string",
          acks: "all",
          deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
          requestTimeoutMs: 10_000,
        });
        let sent: SentMessage[];
        try {
          await producer.connect();
          sent = await streamThroughFault({
            producer,
            topic,
            keys: KEYS,
            ratePerSecond: RATE,
            maxOutstanding: 5000,
            fault: { atMs: 3000, run: () => fault.run(topic) },
            tailMs: 5000,
          });
        } finally {
          await producer.close({ timeoutMs: 10_000 });
        }
        await waitForKafkaCluster();
        const acked = sent.filter((m) => m.outcome === "acked").length;
        const stored = await readStored(topic, acked);
        const counts = count(sent, stored, DELIVERY_TIMEOUT_MS, SETTLE_BOUND_MS);
        const failures = assertCounts(counts, { claimsDedup: subject.claimsDedup });
        recordResult({
          transport: subject.name,
          broker: `kafka-cluster (3 nodes, RF 3, min ISR 2, ${clusterProvisioning})`,
          fault: fault.name,
          settings: subject.settings,
          claimsDedup: subject.claimsDedup,
          counts,
          failures,
          ranAt: new Date().toISOString(),
        });
        console.log(`${subject.name} | ${fault.name} | ${JSON.stringify(counts)}`);
        expect(failures).toEqual([]);
      });
  });
