/**
 * The fault matrix on a three-node RabbitMQ cluster with a quorum queue: the producer publishes
 * through a node that is not the queue's leader while the leader is killed, and while a memory
 * alarm blocks every publisher; every message is read back with amqplib.
 */
import { createProducer } from "@outbound/core";
import { connect } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../../../packages/rabbitmq/src/index.js";
import { createRabbitProbe } from "../../../packages/rabbitmq/test/probe.js";
import {
  RABBITMQ_CLUSTER_NODES,
  rabbitmqctlOn,
  rabbitNodePid,
  signalRabbitNode,
  startRabbitNode,
  waitForRabbitCluster,
} from "../../brokers/index.mjs";
import { assertCounts } from "../src/assert.js";
import { count, type SentMessage } from "../src/counts.js";
import { recordResult, writeReliabilityPage } from "../src/result.js";
import { streamThroughFault } from "../src/stream.js";

const FAULT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const urlOf = (id: number) =>
  `amqp://guest:guest@127.0.0.1:${RABBITMQ_CLUSTER_NODES.find((n) => n.id === id)!.port}/`;

async function declareQuorumQueue(queue: string): Promise<void> {
  const connection = await connect(urlOf(1));
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } });
  } finally {
    await connection.close();
  }
}

/** The node id leading `queue` now. */
async function leaderOf(queue: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const out = await rabbitmqctlOn(1, ["list_queues", "name", "leader", "--formatter", "json"]).catch(
      () => "[]",
    );
    const rows = JSON.parse(out.slice(out.indexOf("["))) as { name: string; leader: string }[];
    const leader = rows.find((r) => r.name === queue)?.leader;
    const node = RABBITMQ_CLUSTER_NODES.find((n) => n.name === leader);
    if (node) return node.id;
    await sleep(500);
  }
  throw new Error(`no leader for quorum queue ${queue}`);
}

interface FaultCase {
  name: string;
  run(queue: string, leader: number, connectedTo: number): Promise<void>;
}

const cases: FaultCase[] = [
  {
    name: "quorum-queue leader kill -9, restart after 10 s",
    async run(_queue, leader) {
      await signalRabbitNode(leader, "SIGKILL");
      await sleep(FAULT_MS);
      await startRabbitNode(leader);
      await waitForRabbitCluster();
    },
  },
  {
    name: "memory alarm for 10 s (publishers blocked)",
    async run(_queue, _leader, connectedTo) {
      await rabbitmqctlOn(connectedTo, ["set_vm_memory_high_watermark", "0"]);
      await sleep(FAULT_MS);
      await rabbitmqctlOn(connectedTo, ["set_vm_memory_high_watermark", "0.4"]);
    },
  },
];

beforeAll(() => waitForRabbitCluster(), 180_000);

afterAll(async () => {
  for (const node of RABBITMQ_CLUSTER_NODES) {
    if (!rabbitNodePid(node.id)) await startRabbitNode(node.id).catch(() => undefined);
    await rabbitmqctlOn(node.id, ["set_vm_memory_high_watermark", "0.4"]).catch(() => undefined);
  }
  await waitForRabbitCluster().catch(() => undefined);
  writeReliabilityPage();
}, 300_000);

describe("rabbitmq-cluster (3 nodes, quorum queue)", () => {
  for (const fault of cases) {
    it(fault.name, { timeout: 300_000 }, async () => {
      const queue = `faults-quorum-${Date.now().toString(36)}`;
      await declareQuorumQueue(queue);
      const leader = await leaderOf(queue);
      // Publish through a follower: the leader's death must not take the producer's connection.
      const connectedTo = RABBITMQ_CLUSTER_NODES.find((n) => n.id !== leader)!.id;
      const transport = rabbitmqTransport({
        url: urlOf(connectedTo),
        destination: "queue",
        persistent: true,
        declare: { quorum: true },
      });
      const producer = createProducer({
        transport,
        serializer: "string",
        requestTimeoutMs: 5000,
        deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
      });
      let sent: SentMessage[];
      try {
        sent = await streamThroughFault({
          producer,
          topic: queue,
          keys: 200,
          ratePerSecond: 1000,
          maxOutstanding: 3000,
          fault: { atMs: 3000, run: () => fault.run(queue, leader, connectedTo) },
          tailMs: 5000,
        });
      } finally {
        await producer.close({ timeoutMs: 10_000 });
      }
      const reader = createRabbitProbe({ url: urlOf(connectedTo), vhost: "/", destination: "queue" });
      const acked = sent.filter((m) => m.outcome === "acked").length;
      const messages = await reader.read(queue, { count: acked, timeoutMs: 60_000 });
      await reader.close();
      const stored = messages.map((m, position) => ({
        n: Number(new TextDecoder().decode(m.value)),
        key: m.key ? new TextDecoder().decode(m.key) : "",
        partition: 0,
        position,
      }));
      const counts = count(sent, stored, DELIVERY_TIMEOUT_MS, 1000);
      const claimsDedup = transport.capabilities.dedup.supported;
      const failures = assertCounts(counts, { claimsDedup });
      recordResult({
        transport: "rabbitmq",
        broker: "rabbitmq-cluster (3 nodes, quorum queue)",
        fault: fault.name,
        settings: "persistent, confirms, via a follower",
        claimsDedup,
        counts,
        failures,
        ranAt: new Date().toISOString(),
      });
      console.log(`rabbitmq | ${fault.name} | ${JSON.stringify(counts)}`);
      expect(failures).toEqual([]);
    });
  }
});
