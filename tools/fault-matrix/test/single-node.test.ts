/**
 * The fault matrix on the single-node brokers: RabbitMQ (persistent messages, confirms), SQS
 * through ElasticMQ (a FIFO queue, deduplicated by message id) and Pulsar standalone (namespace
 * deduplication on). Each streams keyed messages through a crash and restart, a held or reset
 * connection where the producer dials through toxiproxy, a hung broker and a broker down at the
 * start, and reads everything back with the broker's own client.
 */
import type { ProducerConfig, Transport } from "@outbound/core";
import { createProducer } from "@outbound/core";
import { kafkaProxy } from "@outbound/kafka-test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { pulsarTransport } from "../../../packages/pulsar/src/index.js";
import { pulsarAdmin } from "../../../packages/pulsar/test/admin.js";
import { createPulsarProbe } from "../../../packages/pulsar/test/probe.js";
import { rabbitmqTransport } from "../../../packages/rabbitmq/src/index.js";
import { createRabbitProbe } from "../../../packages/rabbitmq/test/probe.js";
import { createTestVhost } from "../../../packages/rabbitmq/test/rabbitmqctl.js";
import { sqsTransport } from "../../../packages/sqs/src/index.js";
import { createSqsProbe, TEST_CREDENTIALS, TEST_REGION } from "../../../packages/sqs/test/probe.js";
import { endpoints, status, up } from "../../brokers/index.mjs";
import { assertCounts } from "../src/assert.js";
import { count, type SentMessage, type StoredCopy } from "../src/counts.js";
import { recordResult, writeReliabilityPage } from "../src/result.js";
import { streamThroughFault } from "../src/stream.js";

const FAULT_MS = 10_000;
const SETTLE_BOUND_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type BrokerName = "rabbitmq" | "sqs" | "pulsar";

/** The broker's serving process: the Erlang VM for RabbitMQ, the JVM for the others. */
async function brokerPid(broker: BrokerName): Promise<number> {
  const [row] = await status([broker]);
  if (!row?.pid) throw new Error(`cannot find the ${broker} process: ${JSON.stringify(row)}`);
  return row.pid;
}

async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      await sleep(100);
    } catch {
      return;
    }
  }
  throw new Error(`pid ${pid} did not exit`);
}

const restart = (broker: BrokerName) => up([broker], { print: () => undefined });

/** What a broker needs for one case: a fresh destination, a producer config, and its reader. */
interface Setup {
  topic: string;
  transport: Transport;
  read(atLeast: number): Promise<StoredCopy[]>;
  /** The proxy the producer dials, where the transport can be pointed through one. */
  proxy?: Awaited<ReturnType<typeof kafkaProxy>>;
  cleanup(): Promise<void>;
}

interface BrokerSubject {
  broker: BrokerName;
  label: string;
  transportName: string;
  settings: string;
  rate: number;
  keys: number;
  withIds: boolean;
  producer: Partial<ProducerConfig>;
  setup(proxyPort: number, fault: { atStart: boolean }): Promise<Setup>;
  /** Faults this broker cannot be put through, with the reason. */
  skips?: Record<string, string>;
}

let proxyPorts = 29500;

const rabbit: BrokerSubject = {
  broker: "rabbitmq",
  label: "rabbitmq 3.10 (single node)",
  transportName: "rabbitmq",
  settings: "persistent, confirms",
  rate: 1000,
  keys: 200,
  withIds: false,
  producer: {},
  async setup(proxyPort) {
    const { vhost, url, remove } = await createTestVhost("faults");
    const broker = new URL(endpoints().amqp);
    const proxy = await kafkaProxy(
      `fault-rabbitmq-${proxyPort}`,
      proxyPort,
      `${broker.hostname}:${broker.port || 5672}`,
    );
    const proxied = new URL(url);
    proxied.host = `127.0.0.1:${proxyPort}`;
    const probe = createRabbitProbe({ url, vhost, destination: "queue" });
    const topic = `faults-${proxyPort}`;
    await probe.createTopic(topic, { partitions: 1 });
    return {
      topic,
      proxy,
      // The producer declares its queue as applications do: a broker killed a moment after the
      // probe declared it may not have written it down yet.
      transport: rabbitmqTransport({
        url: proxied.toString(),
        destination: "queue",
        persistent: true,
        declare: true,
      }),
      async read(atLeast) {
        const messages = await probe.read(topic, { count: atLeast, timeoutMs: 60_000 });
        return messages.map((m, position) => ({
          n: Number(new TextDecoder().decode(m.value)),
          key: m.key ? new TextDecoder().decode(m.key) : "",
          partition: 0,
          position,
        }));
      },
      async cleanup() {
        await proxy.remove();
        await probe.close();
        await remove();
      },
    };
  },
};

const sqs: BrokerSubject = {
  broker: "sqs",
  label: "ElasticMQ 1.7 (SQS, FIFO queue)",
  transportName: "sqs",
  settings: "FIFO, dedup by message id",
  rate: 300,
  keys: 50,
  withIds: true,
  producer: {},
  skips: {
    "broker kill -9, restart after 10 s":
      "ElasticMQ keeps queues and messages in memory, so a crash loses them by design; AWS SQS is not a process to kill",
  },
  async setup(proxyPort, fault) {
    const endpoint = new URL(endpoints().sqs);
    const proxy = await kafkaProxy(
      `fault-sqs-${proxyPort}`,
      proxyPort,
      `${endpoint.hostname}:${endpoint.port}`,
    );
    const probe = createSqsProbe({ endpoint: endpoints().sqs });
    // A broker down at the start comes back empty: only a queue in its config exists at once.
    const topic = fault.atStart
      ? "outbound-faults-at-start.fifo"
      : `faults-${proxyPort}-${Date.now().toString(36)}.fifo`;
    if (!fault.atStart) await probe.createTopic(topic, { partitions: 1 });
    return {
      topic,
      proxy,
      transport: sqsTransport({
        endpoint: `http://127.0.0.1:${proxyPort}`,
        region: TEST_REGION,
        credentials: TEST_CREDENTIALS,
      }),
      async read(atLeast) {
        const messages = await probe.read(topic, { count: atLeast, timeoutMs: 60_000 });
        return messages.map((m, position) => ({
          n: Number(new TextDecoder().decode(m.value)),
          key: m.key ? new TextDecoder().decode(m.key) : "",
          partition: 0,
          // FIFO order is per group; the sequence number orders the whole queue.
          position: m.offset !== undefined ? Number(m.offset) : position,
        }));
      },
      async cleanup() {
        await proxy.remove();
        await probe.close();
      },
    };
  },
};

const NAMESPACE = "public/outbound-faults";
const pulsar: BrokerSubject = {
  broker: "pulsar",
  label: "pulsar 4.2 (standalone)",
  transportName: "pulsar",
  settings: "namespace dedup on",
  rate: 1000,
  keys: 200,
  withIds: false,
  // A standalone restart takes 20-90 s here: the messages must be kept that long.
  producer: { deliveryTimeoutMs: 280_000, lingerMs: 5, retry: { initialMs: 200, maxMs: 2000 } },
  async setup() {
    const admin = pulsarAdmin();
    await admin.createNamespace(NAMESPACE).catch(() => undefined);
    await admin.enableDeduplication(NAMESPACE);
    const probe = createPulsarProbe();
    const topic = `persistent://${NAMESPACE}/faults-${Date.now().toString(36)}`;
    await probe.createTopic(topic, { partitions: 2 });
    return {
      topic,
      transport: pulsarTransport({
        serviceUrl: endpoints().pulsar,
        operationTimeoutMs: 15_000,
        reconnect: { initialMs: 200, maxMs: 2000 },
      }),
      async read(atLeast) {
        const messages = await probe.read(topic, { count: atLeast, timeoutMs: 90_000 });
        return messages.map((m, position) => ({
          n: Number(new TextDecoder().decode(m.value)),
          key: m.key ? new TextDecoder().decode(m.key) : "",
          partition: m.partition ?? 0,
          position,
        }));
      },
      async cleanup() {
        await probe.close();
      },
    };
  },
};

interface FaultCase {
  name: string;
  /** Needs the producer to dial through a proxy. */
  proxied?: boolean;
  /** Run before the producer connects, and healed while it already sends. */
  atStart?: boolean;
  run(subject: BrokerSubject, setup: Setup): Promise<void>;
}

const cases: FaultCase[] = [
  {
    name: "broker kill -9, restart after 10 s",
    async run(subject) {
      const pid = await brokerPid(subject.broker);
      process.kill(pid, "SIGKILL");
      await waitGone(pid);
      await sleep(FAULT_MS);
      await restart(subject.broker);
    },
  },
  {
    name: "connection held for 10 s (toxiproxy timeout)",
    proxied: true,
    async run(_subject, setup) {
      await setup.proxy!.addToxic({
        name: "held-up",
        type: "timeout",
        stream: "upstream",
        attributes: { timeout: 0 },
      });
      await setup.proxy!.addToxic({
        name: "held-down",
        type: "timeout",
        stream: "downstream",
        attributes: { timeout: 0 },
      });
      await sleep(FAULT_MS);
      await setup.proxy!.removeToxic("held-up");
      await setup.proxy!.removeToxic("held-down");
    },
  },
  {
    name: "connections reset for 10 s (toxiproxy reset_peer)",
    proxied: true,
    async run(_subject, setup) {
      await setup.proxy!.addToxic({
        name: "reset",
        type: "reset_peer",
        stream: "upstream",
        attributes: { timeout: 500 },
      });
      await sleep(FAULT_MS);
      await setup.proxy!.removeToxic("reset");
    },
  },
  {
    name: "broker hung (SIGSTOP) for 10 s",
    async run(subject) {
      const pid = await brokerPid(subject.broker);
      process.kill(pid, "SIGSTOP");
      await sleep(FAULT_MS);
      process.kill(pid, "SIGCONT");
    },
  },
  {
    name: "broker down at start, up after 10 s",
    atStart: true,
    async run(subject) {
      await sleep(FAULT_MS);
      await restart(subject.broker);
    },
  },
];

afterAll(async () => {
  // Leave every broker up for whatever runs next, whatever happened.
  for (const broker of ["rabbitmq", "sqs", "pulsar"] as const) {
    const pid = await brokerPid(broker).catch(() => undefined);
    if (pid) process.kill(pid, "SIGCONT");
    await restart(broker);
  }
  writeReliabilityPage();
}, 600_000);

for (const subject of [rabbit, sqs, pulsar]) {
  describe(subject.label, () => {
    for (const fault of cases) {
      // Pulsar's transport dials the broker the lookup names, so a proxy in front of the service
      // URL would not see the produce traffic; its network faults are covered by its own tests.
      const reason =
        fault.proxied && subject.broker === "pulsar"
          ? "the Pulsar producer dials the broker the lookup returns"
          : subject.skips?.[fault.name];
      it.skipIf(reason !== undefined)(
        `${fault.name}${reason ? ` [skipped: ${reason}]` : ""}`,
        { timeout: 600_000 },
        async () => {
          const setup = await subject.setup(proxyPorts++, { atStart: fault.atStart === true });
          try {
            if (fault.atStart) {
              const pid = await brokerPid(subject.broker);
              process.kill(pid, "SIGKILL");
              await waitGone(pid);
            }
            const deliveryTimeoutMs = subject.producer.deliveryTimeoutMs ?? 120_000;
            const producer = createProducer({
              transport: setup.transport,
              serializer: "string",
              requestTimeoutMs: 5000,
              deliveryTimeoutMs,
              ...subject.producer,
            });
            let sent: SentMessage[];
            try {
              sent = await streamThroughFault({
                producer,
                topic: setup.topic,
                keys: subject.keys,
                ratePerSecond: subject.rate,
                maxOutstanding: 3000,
                fault: { atMs: fault.atStart ? 0 : 3000, run: () => fault.run(subject, setup) },
                tailMs: 5000,
                withIds: subject.withIds,
              });
            } finally {
              await producer.close({ timeoutMs: 10_000 });
            }
            const acked = sent.filter((m) => m.outcome === "acked").length;
            const stored = await setup.read(acked);
            const counts = count(sent, stored, deliveryTimeoutMs, SETTLE_BOUND_MS);
            const claimsDedup = setup.transport.capabilities.dedup.supported;
            const failures = assertCounts(counts, { claimsDedup });
            recordResult({
              transport: subject.transportName,
              broker: subject.label,
              fault: fault.name,
              settings: subject.settings,
              claimsDedup,
              counts,
              failures,
              ranAt: new Date().toISOString(),
            });
            console.log(`${subject.transportName} | ${fault.name} | ${JSON.stringify(counts)}`);
            expect(failures).toEqual([]);
          } finally {
            await setup.cleanup().catch(() => undefined);
          }
        },
      );
    }
  });
}
