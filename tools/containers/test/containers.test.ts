/**
 * OUTBOUND_BROKERS=containers end to end: builds the images (cached), starts the single Kafka and the
 * three-node cluster as containers, produces and reads back with kafkajs, then crashes (kill -9), hangs
 * (docker pause) and cleanly stops (SIGTERM) a cluster node and restarts it with its data kept.
 *
 * Not in any project of the root vitest.config.ts; run it with its own config:
 *   OUTBOUND_CONTAINER_PORT_OFFSET=30000 pnpm exec vitest run --config tools/containers/vitest.config.ts
 * (the offset keeps it clear of native brokers on the default ports). Containers stay up afterwards,
 * like native brokers; `pnpm containers down` removes them.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDir } from "../../brokers/index.mjs";
import { ensureEngine } from "../engine.mjs";
import {
  KAFKA_CLUSTER_NODES,
  kafkaNodePid,
  kafkaNodeRunning,
  portOffset,
  signalKafkaNode,
  startKafkaNode,
  upContainerBroker,
  waitForKafkaCluster,
} from "../provision.mjs";

/** Docker must run here (it is installed and started on demand); without it the suite is skipped, saying why. */
const engine = await ensureEngine({ print: () => {} }).then(
  () => ({ ok: true, reason: "" }),
  (error: unknown) => ({
    ok: false,
    reason: error instanceof Error ? error.message.split("\n")[0] : String(error),
  }),
);
const title = (name: string) =>
  engine.ok ? name : `${name} (skipped: Docker cannot run here: ${engine.reason})`;

const kafkaAt = (brokers: string[]) =>
  new Kafka({ clientId: "containers-test", brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });

const messages = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 50}`, value: `m${from + i}` }));

/** Reads `topic` from the beginning until `expected` values arrived; returns them. */
async function readBack(kafka: Kafka, topic: string, expected: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${seen.size} of ${expected}`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          seen.add(String(message.value));
          if (seen.size >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

describe.skipIf(!engine.ok)(title("kafka in containers"), () => {
  const clients: { disconnect(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const client of clients) await client.disconnect().catch(() => {});
  });

  beforeAll(async () => {
    await upContainerBroker("kafka");
    await upContainerBroker("kafka-cluster");
  });

  it("single node: idempotent produce, read back", async () => {
    const kafka = kafkaAt([`127.0.0.1:${9092 + portOffset()}`]);
    const topic = `containers-single-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    clients.push(producer);
    await producer.send({ topic, acks: -1, messages: messages(0, 500) });
    const seen = await readBack(kafka, topic, 500);
    expect(seen.size).toBe(500);
  });

  it("cluster: kill -9 a node, produce meanwhile, restart it with its data kept, read everything back", async () => {
    const kafka = kafkaAt(KAFKA_CLUSTER_NODES.map((n) => `127.0.0.1:${n.port}`));
    const topic = `containers-cluster-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    clients.push(admin);
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: "min.insync.replicas", value: "2" }],
        },
      ],
      waitForLeaders: true,
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    clients.push(producer);
    await producer.send({ topic, acks: -1, messages: messages(0, 300) });

    const victim = 2;
    const dataDir = join(
      runDir(),
      `containers${portOffset() ? `-p${portOffset()}` : ""}`,
      "kafka-cluster",
      `node-${victim}`,
      "data",
    );
    expect(readdirSync(dataDir).some((entry) => entry.startsWith(`${topic}-`))).toBe(true);
    expect(kafkaNodePid(victim)).toBeGreaterThan(0);

    await signalKafkaNode(victim, "SIGKILL");
    try {
      expect(kafkaNodeRunning(victim)).toBe(false);
      // The controller fences the dead node after its session timeout (9 s) and moves its leaderships.
      await expect
        .poll(
          async () => {
            const meta = await admin.fetchTopicMetadata({ topics: [topic] });
            return (
              meta.topics[0]?.partitions.every((p) => p.leader !== victim && p.isr.length === 2) ?? false
            );
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe(true);
      // Two of three replicas are enough for min.insync.replicas 2.
      await producer.send({ topic, acks: -1, messages: messages(300, 300) });
    } finally {
      expect(startKafkaNode(victim)).toBeGreaterThan(0);
    }
    await waitForKafkaCluster(120_000, 1);
    // Its data survived the crash (bind mount): it rejoins every ISR by catching up, not re-created.
    expect(existsSync(join(dataDir, "meta.properties"))).toBe(true);
    await expect
      .poll(
        async () => {
          const meta = await admin.fetchTopicMetadata({ topics: [topic] });
          return meta.topics[0]?.partitions.every((p) => p.isr.includes(victim)) ?? false;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true);

    const seen = await readBack(kafka, topic, 600);
    expect(seen.size).toBe(600);
  });

  it("cluster: SIGSTOP/SIGCONT (docker pause) and SIGTERM then restart", async () => {
    const node = 3;
    await signalKafkaNode(node, "SIGSTOP");
    expect(kafkaNodeRunning(node)).toBe(true); // hung, not gone: like a stopped process
    await signalKafkaNode(node, "SIGCONT");
    await waitForKafkaCluster(60_000, 1);

    await signalKafkaNode(node, "SIGTERM");
    expect(kafkaNodeRunning(node)).toBe(false);
    startKafkaNode(node);
    await waitForKafkaCluster(120_000, 1);
    expect(kafkaNodeRunning(node)).toBe(true);
  });
});
