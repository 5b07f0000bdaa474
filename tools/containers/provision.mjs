import { createHash, randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { kafkaSaslUser, kafkaTlsDir, SINGLE_NODE_SETTINGS } from "../brokers/brokers/kafka.mjs";
import { CLUSTER_SETTINGS, waitForKafkaBrokers } from "../brokers/brokers/kafka-cluster.mjs";
import { amqpHealthy, kafkaHealthy, pulsarHealthy, sqsHealthy } from "../brokers/lib/health.mjs";
import { withLock } from "../brokers/lib/lock.mjs";
import { portOpen } from "../brokers/lib/manager.mjs";
import { brokerRunDir, runDir } from "../brokers/lib/paths.mjs";
import { ensureTlsFiles } from "../brokers/lib/tls.mjs";
import { waitUntilHealthy } from "../brokers/lib/wait.mjs";
import { docker, dockerEnv, dockerSync, ensureEngine } from "./engine.mjs";
import { ensureImage } from "./images.mjs";

/**
 * OUTBOUND_BROKERS=containers: the test brokers as containers of the images built by images.mjs,
 * created with testcontainers' GenericContainer. Host ports equal the native tool's (plus
 * OUTBOUND_CONTAINER_PORT_OFFSET, 0 by default, for running beside the native brokers), and every
 * container advertises 127.0.0.1:<that host port>, so tests need no endpoint change. Like the native
 * brokers, containers stay up after a test run; `pnpm containers down` removes them.
 */

/** Added to every host port: run the containers beside native brokers (e.g. 30000) without a clash. */
export const portOffset = () => Number(process.env.OUTBOUND_CONTAINER_PORT_OFFSET ?? 0) || 0;
const suffix = () => (portOffset() ? `-p${portOffset()}` : "");
const containersDir = () => join(runDir(), `containers${suffix()}`);
const LABEL = "outbound.broker";
const CONFIG_LABEL = "outbound.config-hash";

// testcontainers: this VM has /.dockerenv, so it would guess the host is the bridge gateway; and Ryuk
// (its reaper) is an image from Docker Hub, unreachable here, so `down` removes containers itself.
process.env.TESTCONTAINERS_HOST_OVERRIDE ||= "127.0.0.1";
process.env.TESTCONTAINERS_RYUK_DISABLED ||= "true";
process.env.DOCKER_HOST ||= dockerEnv().DOCKER_HOST;

// ---------------------------------------------------------------------------------------------
// Kafka, single node: the listeners the native kafka serves (PLAINTEXT, SASL, OAUTHBEARER, SSL)
// on the same host ports, plus INTERNAL (inter-broker: the broker calls itself for transaction
// markers) and CONTROLLER inside the container only.

const KAFKA_PORTS = { plaintext: 9092, sasl: 9094, oauth: 9095, ssl: 9096 };

function kafkaContainers() {
  const o = portOffset();
  const host = Object.fromEntries(Object.entries(KAFKA_PORTS).map(([k, p]) => [k, p + o]));
  const { username, password } = kafkaSaslUser;
  const dir = join(containersDir(), "kafka");
  return [
    {
      name: `outbound-kafka${suffix()}`,
      image: "kafka",
      role: "kafka",
      ports: Object.entries(KAFKA_PORTS).map(([k, p]) => ({ container: p, host: host[k] })),
      mounts: [
        { source: join(dir, "data"), target: "/var/lib/kafka/data" },
        { source: join(dir, "tls"), target: "/etc/kafka/tls", mode: "ro" },
      ],
      env: {
        KAFKA_NODE_ID: "1",
        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
        KAFKA_LISTENERS:
          "PLAINTEXT://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://localhost:9093," +
          "SASL_PLAINTEXT://0.0.0.0:9094,SASL_OAUTH://0.0.0.0:9095,SSL://0.0.0.0:9096",
        KAFKA_ADVERTISED_LISTENERS:
          `PLAINTEXT://127.0.0.1:${host.plaintext},INTERNAL://localhost:19092,` +
          `SASL_PLAINTEXT://127.0.0.1:${host.sasl},SASL_OAUTH://127.0.0.1:${host.oauth},SSL://127.0.0.1:${host.ssl}`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
          "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_OAUTH:SASL_PLAINTEXT,SSL:SSL",
        KAFKA_INTER_BROKER_LISTENER_NAME: "INTERNAL",
        KAFKA_FORMAT_ARGS:
          `--add-scram SCRAM-SHA-256=[name=${username},password=${password}] ` +
          `--add-scram SCRAM-SHA-512=[name=${username},password=${password}]`,
        KAFKA_HEAP_OPTS: "-Xms512m -Xmx1g",
        // As tools/brokers/brokers/kafka.mjs writes them for the native broker.
        KAFKA_PROPERTIES: `sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${username}="${password}";
listener.name.sasl_oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.sasl_oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=/etc/kafka/tls/keystore.pem
listener.name.ssl.ssl.client.auth=none
${SINGLE_NODE_SETTINGS}`,
      },
      readyLog: "Kafka Server started",
    },
  ];
}

/** The keystore the SSL listener reads, signed by the CA tests trust (endpoints().kafkaTlsCaFile). */
async function prepareKafka() {
  const dir = join(containersDir(), "kafka");
  mkdirSync(join(dir, "data"), { recursive: true });
  mkdirSync(join(dir, "tls"), { recursive: true });
  const tls = await ensureTlsFiles(kafkaTlsDir());
  writeFileSync(
    join(dir, "tls", "keystore.pem"),
    `${readFileSync(tls.key, "utf8")}${readFileSync(tls.cert, "utf8")}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Kafka cluster: three KRaft nodes on a docker network, as tools/brokers/brokers/kafka-cluster.mjs
// runs them natively (replication 3, min ISR 2). Clients use PLAINTEXT on the host-mapped port;
// replication and the controller quorum use INTERNAL and CONTROLLER on the network.

/** Node id, client host port and container name, as KAFKA_CLUSTER_NODES natively (ports + offset). */
export const KAFKA_CLUSTER_NODES = [1, 2, 3].map((id) => ({
  id,
  get port() {
    return 29092 + id * 100 + portOffset();
  },
  get container() {
    return `outbound-kafka-cluster-${id}${suffix()}`;
  },
}));
const clusterNetwork = () => `outbound-kafka-cluster${suffix()}`;
const clusterDir = () => join(containersDir(), "kafka-cluster");
const nodeData = (id) => join(clusterDir(), `node-${id}`, "data");

function clusterContainers() {
  const clusterId = readFileSync(join(clusterDir(), "cluster-id"), "utf8").trim();
  const voters = KAFKA_CLUSTER_NODES.map((n) => `${n.id}@kafka-node-${n.id}:9093`).join(",");
  return KAFKA_CLUSTER_NODES.map((node) => ({
    name: node.container,
    image: "kafka",
    role: "kafka-cluster",
    network: clusterNetwork(),
    alias: `kafka-node-${node.id}`,
    ports: [{ container: 9092, host: node.port }],
    mounts: [{ source: nodeData(node.id), target: "/var/lib/kafka/data" }],
    env: {
      KAFKA_NODE_ID: String(node.id),
      KAFKA_CLUSTER_ID: clusterId,
      KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
      KAFKA_LISTENERS: "PLAINTEXT://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${node.port},INTERNAL://kafka-node-${node.id}:19092`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
      KAFKA_INTER_BROKER_LISTENER_NAME: "INTERNAL",
      KAFKA_HEAP_OPTS: "-Xms256m -Xmx512m",
      KAFKA_PROPERTIES: CLUSTER_SETTINGS,
    },
    readyLog: "Kafka Server started",
  }));
}

/** A Kafka cluster id (16 random bytes, base64url), shared by the nodes; new when any node is unformatted. */
async function prepareCluster() {
  mkdirSync(clusterDir(), { recursive: true });
  const idFile = join(clusterDir(), "cluster-id");
  const formatted = KAFKA_CLUSTER_NODES.every((n) => existsSync(join(nodeData(n.id), "meta.properties")));
  if (!existsSync(idFile) || !formatted) {
    // Nodes formatted for another cluster id refuse to join: start all three on empty data.
    for (const n of KAFKA_CLUSTER_NODES) rmSync(nodeData(n.id), { recursive: true, force: true });
    let id;
    do id = randomBytes(16).toString("base64url");
    while (id.startsWith("-"));
    writeFileSync(idFile, `${id}\n`);
  }
  for (const n of KAFKA_CLUSTER_NODES) mkdirSync(nodeData(n.id), { recursive: true });
  try {
    await docker(["network", "inspect", clusterNetwork()]);
  } catch {
    await docker(["network", "create", "--label", `${LABEL}=kafka-cluster`, clusterNetwork()]);
  }
}

// ---------------------------------------------------------------------------------------------
// SQS (ElasticMQ), RabbitMQ and Pulsar standalone: single containers on the native ports.

function sqsContainers() {
  const port = 9324 + portOffset();
  return [
    {
      name: `outbound-sqs${suffix()}`,
      image: "sqs",
      role: "sqs",
      ports: [{ container: 9324, host: port }],
      mounts: [],
      env: { ELASTICMQ_ADVERTISED_PORT: String(port) },
      readyLog: /ElasticMQ server .* started/,
    },
  ];
}

const rabbitTls = () => join(containersDir(), "rabbitmq", "tls");

/** The test CA's server certificate (endpoints().amqpsCaFile trusts it), readable by the rabbitmq user. */
async function prepareRabbitmq() {
  const tls = await ensureTlsFiles(join(brokerRunDir("rabbitmq"), "tls"));
  mkdirSync(rabbitTls(), { recursive: true });
  for (const [from, to] of [
    [tls.ca, "ca.pem"],
    [tls.cert, "server.pem"],
    [tls.key, "server.key"],
  ]) {
    copyFileSync(from, join(rabbitTls(), to));
    chmodSync(join(rabbitTls(), to), 0o644); // a test-only key, inside a read-only mount
  }
}

function rabbitmqContainers() {
  return [
    {
      name: `outbound-rabbitmq${suffix()}`,
      image: "rabbitmq",
      role: "rabbitmq",
      ports: [
        { container: 5672, host: 5672 + portOffset() },
        { container: 5671, host: 5671 + portOffset() },
      ],
      mounts: [{ source: rabbitTls(), target: "/etc/rabbitmq/tls", mode: "ro" }],
      env: {},
      readyLog: "Server startup complete",
    },
  ];
}

const pulsarPorts = () => ({ binary: 6650 + portOffset(), http: 8080 + portOffset() });

function pulsarContainers() {
  const { binary, http } = pulsarPorts();
  return [
    {
      name: `outbound-pulsar${suffix()}`,
      image: "pulsar",
      role: "pulsar",
      // The same port inside and out: Pulsar's lookups answer with the advertised address.
      ports: [
        { container: binary, host: binary },
        { container: http, host: http },
      ],
      mounts: [{ source: join(containersDir(), "pulsar", "data"), target: "/var/lib/pulsar" }],
      env: { PULSAR_BROKER_PORT: String(binary), PULSAR_WEB_PORT: String(http) },
      readyLog: "messaging service is ready",
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The brokers this module provisions. Others stay native (tools/brokers).

const SERVICES = {
  kafka: {
    prepare: prepareKafka,
    containers: kafkaContainers,
    health: (timeoutMs) => kafkaHealthy(`127.0.0.1:${KAFKA_PORTS.plaintext + portOffset()}`, timeoutMs),
    startTimeoutMs: 180_000,
  },
  "kafka-cluster": {
    prepare: prepareCluster,
    containers: clusterContainers,
    health: (timeoutMs) => waitForKafkaCluster(timeoutMs, 1),
    startTimeoutMs: 240_000,
  },
  sqs: {
    prepare: async () => {},
    containers: sqsContainers,
    health: (timeoutMs) => sqsHealthy(`http://127.0.0.1:${9324 + portOffset()}`, timeoutMs),
    startTimeoutMs: 120_000,
  },
  rabbitmq: {
    prepare: prepareRabbitmq,
    containers: rabbitmqContainers,
    health: (timeoutMs) => amqpHealthy(`amqp://guest:guest@127.0.0.1:${5672 + portOffset()}`, timeoutMs),
    startTimeoutMs: 120_000,
  },
  pulsar: {
    prepare: async () => mkdirSync(join(containersDir(), "pulsar", "data"), { recursive: true }),
    containers: pulsarContainers,
    health: (timeoutMs) => pulsarHealthy(`http://127.0.0.1:${pulsarPorts().http}`, timeoutMs),
    startTimeoutMs: 240_000,
  },
};

/** Every broker this module can run as containers. */
export const containerBrokers = Object.keys(SERVICES);

/**
 * The ones OUTBOUND_BROKERS=containers moves into containers: OUTBOUND_CONTAINER_BROKERS, a comma
 * list or "all"; kafka and kafka-cluster by default (the others are built and verified, but the
 * fault matrix still drives their native processes: rabbitmqctl, SIGSTOP by pid).
 */
export function selectedContainerBrokers() {
  const wanted = (process.env.OUTBOUND_CONTAINER_BROKERS ?? "kafka,kafka-cluster").trim();
  if (wanted === "all") return containerBrokers;
  const names = wanted
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!containerBrokers.includes(name))
      throw new Error(
        `OUTBOUND_CONTAINER_BROKERS: no container definition for "${name}"; known: ${containerBrokers.join(", ")}`,
      );
  }
  return names;
}

function configHash(spec, imageId) {
  return createHash("sha256")
    .update(JSON.stringify({ ...spec, imageId }))
    .digest("hex")
    .slice(0, 16);
}

/** `docker inspect` of a container: state and config hash, or undefined when it does not exist. */
async function inspect(name) {
  try {
    const out = await docker([
      "inspect",
      "--format",
      `{{.State.Status}}|{{index .Config.Labels "${CONFIG_LABEL}"}}|{{.State.Pid}}`,
      name,
    ]);
    const [status, hash, pid] = out.trim().split("|");
    return { status, hash, pid: Number(pid) };
  } catch {
    return undefined;
  }
}

async function createContainer(spec, tag, hash) {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new Error(
      `testcontainers 12 needs Node 22+ (this is ${process.version}): run through pnpm (pnpm exec node, pnpm exec vitest), which uses the repo's Node 24`,
    );
  }
  const { GenericContainer, Wait } = await import("testcontainers");
  let container = new GenericContainer(tag)
    .withName(spec.name)
    .withLabels({ [LABEL]: spec.role, [CONFIG_LABEL]: hash, "outbound.port-offset": String(portOffset()) })
    .withEnvironment(spec.env)
    .withExposedPorts(...spec.ports)
    .withBindMounts(spec.mounts.map((m) => ({ source: m.source, target: m.target, mode: m.mode ?? "rw" })))
    .withWaitStrategy(Wait.forLogMessage(spec.readyLog))
    .withStartupTimeout(240_000);
  if (spec.network) container = container.withNetworkMode(spec.network).withNetworkAliases(spec.alias);
  return container.start();
}

/**
 * Brings one broker's containers up: reuses running ones with the same configuration, unpauses
 * paused ones, `docker start`s exited ones (their data kept), and creates missing or outdated ones
 * with testcontainers, all at once (a KRaft quorum needs two nodes before any is ready).
 */
export async function upContainerBroker(name, { print = console.log, fresh = false } = {}) {
  const service = SERVICES[name];
  if (!service)
    throw new Error(`no container definition for "${name}"; known: ${containerBrokers.join(", ")}`);
  await ensureEngine({ print });
  return withLock(`containers-${name}${suffix()}`, async () => {
    const started = Date.now();
    if (fresh) await removeContainers(name, { wipe: true });
    await service.prepare();
    const specs = service.containers();
    const images = new Map();
    for (const image of new Set(specs.map((s) => s.image)))
      images.set(image, await ensureImage(image, { print }));
    const actions = [];
    await Promise.all(
      specs.map(async (spec) => {
        const image = images.get(spec.image);
        const hash = configHash(spec, image.id);
        let state = await inspect(spec.name);
        if (state && state.hash !== hash) {
          await docker(["rm", "-f", "-v", spec.name]);
          actions.push(`${spec.name}: recreated (configuration changed)`);
          state = undefined;
        }
        if (state?.status === "running") return;
        if (state?.status === "paused") {
          await docker(["unpause", spec.name]);
          actions.push(`${spec.name}: unpaused`);
          return;
        }
        if (state) {
          await docker(["start", spec.name]);
          actions.push(`${spec.name}: started again`);
          return;
        }
        for (const { host } of spec.ports) {
          if (await portOpen(host)) {
            throw new Error(
              `${name}: host port ${host} is taken (a native broker? \`pnpm brokers down ${name}\`, or set OUTBOUND_CONTAINER_PORT_OFFSET)`,
            );
          }
        }
        const t = Date.now();
        await createContainer(spec, image.tag, hash);
        actions.push(`${spec.name}: created in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      }),
    );
    await waitUntilHealthy(() => service.health(5000), { timeoutMs: service.startTimeoutMs });
    const seconds = (Date.now() - started) / 1000;
    print(
      `${name}: ${actions.length ? "up" : "already up"} in containers in ${seconds.toFixed(1)} s` +
        ` (${specs.map((s) => s.name).join(", ")}; ports ${specs.flatMap((s) => s.ports.map((p) => p.host)).join("/")})` +
        (actions.length ? `\n  ${actions.join("\n  ")}` : ""),
    );
    return { seconds, actions };
  });
}

/**
 * The hook `ensureBrokers` calls under OUTBOUND_BROKERS=containers: brings up those of `names` this
 * module runs as containers, and returns the others for the native tool.
 * @param {string[]} names
 * @returns {Promise<string[]>} the names left to tools/brokers
 */
export async function ensureContainerBrokers(names, { print = console.log } = {}) {
  const selected = selectedContainerBrokers();
  const mine = names.filter((name) => selected.includes(name));
  for (const name of mine) await upContainerBroker(name, { print });
  return names.filter((name) => !mine.includes(name));
}

async function listContainers(filters) {
  const out = await docker(["ps", "-a", "-q", ...filters.flatMap((f) => ["--filter", f])]);
  return out.split("\n").filter(Boolean);
}

/** Removes a broker's containers (this offset's); `wipe` also deletes their data on the host. */
export async function removeContainers(name, { wipe = false } = {}) {
  const ids = await listContainers([`label=${LABEL}=${name}`, `label=outbound.port-offset=${portOffset()}`]);
  if (ids.length) await docker(["rm", "-f", "-v", ...ids]);
  if (wipe) {
    const dir = name === "kafka" ? join(containersDir(), "kafka", "data") : join(containersDir(), name);
    rmSync(dir, { recursive: true, force: true });
  }
  return ids.length;
}

/**
 * `down`: removes the containers of `names` (all when empty) at this offset, then every other
 * container testcontainers labelled (Ryuk is off, so nobody else reaps them) and our networks.
 */
export async function downContainers(names = [], { print = console.log, wipe = false } = {}) {
  for (const name of names.length ? names : containerBrokers) {
    const count = await removeContainers(name, { wipe });
    print(`${name}: ${count ? `removed ${count} container(s)` : "no containers"}`);
  }
  if (names.length === 0) {
    const strays = await listContainers(["label=org.testcontainers=true"]);
    if (strays.length) {
      await docker(["rm", "-f", "-v", ...strays]);
      print(`removed ${strays.length} other testcontainers container(s)`);
    }
    const networks = (await docker(["network", "ls", "-q", "--filter", `label=${LABEL}`]))
      .split("\n")
      .filter(Boolean);
    if (networks.length) await docker(["network", "rm", ...networks]);
  }
}

/** Name, state, host ports and memory (docker stats) of every container this tool made. */
export async function containerStatus() {
  const ids = await listContainers([`label=${LABEL}`]);
  if (ids.length === 0) return [];
  const rows = (
    await docker([
      "inspect",
      "--format",
      `{{.Name}}|{{.State.Status}}|{{index .Config.Labels "${LABEL}"}}|{{range $p, $b := .HostConfig.PortBindings}}{{(index $b 0).HostPort}} {{end}}`,
      ...ids,
    ])
  )
    .trim()
    .split("\n")
    .map((line) => {
      const [name, state, broker, ports] = line.split("|");
      return { name: name.replace(/^\//, ""), state, broker, ports: ports.trim().split(" ").filter(Boolean) };
    });
  const running = rows.filter((r) => r.state === "running").map((r) => r.name);
  if (running.length) {
    const stats = await docker([
      "stats",
      "--no-stream",
      "--format",
      "{{.Name}}|{{.MemUsage}}|{{.CPUPerc}}",
      ...running,
    ]);
    for (const line of stats.trim().split("\n")) {
      const [name, mem, cpu] = line.split("|");
      const row = rows.find((r) => r.name === name);
      if (row) Object.assign(row, { memory: mem.split(" / ")[0], cpu });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The fault matrix's controls, with kafka-cluster.mjs's names and semantics.

const nodeOf = (id) => {
  const node = KAFKA_CLUSTER_NODES.find((n) => n.id === id);
  if (!node) throw new Error(`kafka-cluster has no node ${id}`);
  return node;
};

function nodeState(id) {
  try {
    const [status, pid] = dockerSync([
      "inspect",
      "--format",
      "{{.State.Status}}|{{.State.Pid}}",
      nodeOf(id).container,
    ])
      .trim()
      .split("|");
    return { status, pid: Number(pid) };
  } catch {
    return undefined;
  }
}

/** True while node `id`'s container runs (a paused, i.e. SIGSTOPped, node counts as running). */
export function kafkaNodeRunning(id) {
  return isUp(nodeState(id));
}
const isUp = (state) => state?.status === "running" || state?.status === "paused";

/** The host pid of node `id`'s JVM (PID 1 of its container) while it runs, else undefined: drop-in for kafkaNodePid. */
export function kafkaNodePid(id) {
  const state = nodeState(id);
  return isUp(state) && state.pid > 0 ? state.pid : undefined;
}

/**
 * Starts node `id`'s container again after a kill or a clean stop, its data dir kept (a bind mount),
 * and returns the JVM's host pid. Synchronous, like the native startKafkaNode; readiness is
 * waitForKafkaCluster's job.
 */
export function startKafkaNode(id) {
  const state = nodeState(id);
  if (!state)
    throw new Error(`kafka-cluster node ${id} has no container (run \`pnpm containers up kafka-cluster\`)`);
  if (state.status === "paused") dockerSync(["unpause", nodeOf(id).container]);
  else if (state.status !== "running") dockerSync(["start", nodeOf(id).container]);
  return kafkaNodePid(id);
}

async function waitExited(id, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (kafkaNodeRunning(id)) {
    if (Date.now() > deadline) throw new Error(`kafka-cluster node ${id} did not exit`);
    await sleep(100);
  }
}

/**
 * SIGKILL (a crash: `docker kill --signal KILL`), SIGTERM (a clean shutdown), SIGSTOP and SIGCONT
 * (a hung broker: `docker pause`/`unpause`, which freezes every process of the container). Resolves
 * once a killed or terminated node has exited.
 */
export async function signalKafkaNode(id, signal) {
  const name = nodeOf(id).container;
  const state = nodeState(id);
  if (!isUp(state)) throw new Error(`kafka-cluster node ${id} is not running`);
  switch (signal) {
    case "SIGKILL":
      // A paused container is killed too (the freezer does not block SIGKILL).
      await docker(["kill", "--signal", "KILL", name]);
      await waitExited(id);
      return;
    case "SIGTERM":
      // A stopped process keeps SIGTERM pending until SIGCONT; a paused container refuses it, so the
      // closest match is to continue it first.
      if (state.status === "paused") await docker(["unpause", name]);
      await docker(["kill", "--signal", "TERM", name]);
      await waitExited(id);
      return;
    case "SIGSTOP":
      if (state.status !== "paused") await docker(["pause", name]);
      return;
    case "SIGCONT":
      if (state.status === "paused") await docker(["unpause", name]);
      return;
    default:
      await docker(["kill", "--signal", signal.replace(/^SIG/, ""), name]);
  }
}

/** Waits until every node is in the cluster's metadata, as seen from node `via` (as natively). */
export function waitForKafkaCluster(timeoutMs = 120_000, via = 1) {
  const node = KAFKA_CLUSTER_NODES.find((n) => n.id === via) ?? KAFKA_CLUSTER_NODES[0];
  return waitForKafkaBrokers(node.port, KAFKA_CLUSTER_NODES.length, timeoutMs);
}
