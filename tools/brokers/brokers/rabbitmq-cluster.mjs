import { chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { amqpHealthy } from "../lib/health.mjs";
import { brokerRunDir } from "../lib/paths.mjs";
import { isAlive, run, spawnDetached, stopGroup } from "../lib/process.mjs";
import { installedVersion, serverScript, useLoopbackPortMapper, workDirFor } from "./rabbitmq.mjs";

/**
 * A three-node RabbitMQ cluster for the fault matrix's quorum-queue cases: nodes rabbit-1..3 on
 * localhost, AMQP on 5681-5683 (Erlang distribution on those + 20000), one Erlang cookie (the
 * `rabbitmq` user's), joined to rabbit-1 at the first start. Debian's 3.10 has quorum queues.
 */
export const RABBITMQ_CLUSTER_NODES = [1, 2, 3].map((id) => ({
  id,
  name: `rabbit-${id}@localhost`,
  port: 5680 + id,
}));

const runDirOf = () => brokerRunDir("rabbitmq-cluster");
const workDir = () => workDirFor(runDirOf());
const nodeDir = (id) => join(workDir(), `node-${id}`);
const nodeLog = (id) => join(runDirOf(), `node-${id}.log`);
const pidFile = (id) => join(nodeDir(id), "rabbit.pid");

/** rabbitmqctl against one node of the cluster. */
export function rabbitmqctlOn(id, args, timeoutMs = 60_000) {
  return run("rabbitmqctl", ["-n", `rabbit-${id}@localhost`, ...args], { timeoutMs });
}

/** The Erlang VM's pid of node `id` while it runs. */
export function rabbitNodePid(id) {
  try {
    const pid = Number(readFileSync(pidFile(id), "utf8").trim());
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts node `id` (its data kept); resolves once it answers AMQP. */
export async function startRabbitNode(id) {
  const node = RABBITMQ_CLUSTER_NODES.find((n) => n.id === id);
  const dir = nodeDir(id);
  for (const sub of ["", "mnesia", "log"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  writeFileSync(
    join(dir, "rabbitmq.conf"),
    `# Written by tools/brokers on every start; edit tools/brokers/brokers/rabbitmq-cluster.mjs instead.
listeners.tcp.1 = 127.0.0.1:${node.port}
loopback_users.guest = true
cluster_partition_handling = pause_minority
`,
  );
  const uid = Number((await run("id", ["-u", "rabbitmq"])).trim());
  const gid = Number((await run("id", ["-g", "rabbitmq"])).trim());
  for (const sub of ["", "mnesia", "log", "enabled_plugins", "rabbitmq.conf"])
    chownSync(join(dir, sub), uid, gid);
  const wrapper = spawnDetached(serverScript, [], {
    cwd: dir,
    log: nodeLog(id),
    env: {
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(node.port),
      RABBITMQ_DIST_PORT: String(node.port + 20000),
      ERL_EPMD_ADDRESS: "127.0.0.1",
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
      RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(dir, "log"),
      RABBITMQ_LOGS: "-",
      RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
      RABBITMQ_PID_FILE: pidFile(id),
    },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await amqpHealthy(`amqp://guest:guest@127.0.0.1:${node.port}`, 3000);
      return wrapper;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`rabbitmq-cluster node ${id} did not start: ${error.message}`);
      await sleep(500);
    }
  }
}

/** Signals node `id`'s Erlang VM; resolves once a killed node is gone. */
export async function signalRabbitNode(id, signal) {
  const pid = rabbitNodePid(id);
  if (!pid) throw new Error(`rabbitmq-cluster node ${id} is not running`);
  process.kill(pid, signal);
  if (signal === "SIGKILL" || signal === "SIGTERM") {
    const deadline = Date.now() + 60_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  }
}

/** The nodes rabbit-`via` sees running in the cluster. */
async function runningNodes(via) {
  const out = await rabbitmqctlOn(via, ["cluster_status", "--formatter", "json"], 20_000);
  return JSON.parse(out.slice(out.indexOf("{"))).running_nodes ?? [];
}

/** Waits until every node runs and is clustered. */
export async function waitForRabbitCluster(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const nodes = await runningNodes(1);
      if (nodes.length === RABBITMQ_CLUSTER_NODES.length) return;
      last = `${nodes.length} of ${RABBITMQ_CLUSTER_NODES.length} nodes running`;
    } catch (error) {
      last = error.message;
    }
    if (Date.now() > deadline) throw new Error(`rabbitmq-cluster not whole: ${last}`);
    await sleep(1000);
  }
}

/** @type {import("../lib/broker.mjs").Broker} */
export const rabbitmqCluster = {
  name: "rabbitmq-cluster",
  get version() {
    return installedVersion();
  },
  ports: Object.fromEntries(RABBITMQ_CLUSTER_NODES.map((n) => [`amqp${n.id}`, n.port])),
  startTimeoutMs: 300_000,
  log: nodeLog(1),
  get dataDirs() {
    return RABBITMQ_CLUSTER_NODES.map((n) => join(nodeDir(n.id), "mnesia"));
  },
  marker: serverScript,
  // Debian's package, which the single-node broker installs.
  fetch: async () => ({ fetched: false, seconds: 0 }),

  running: () => RABBITMQ_CLUSTER_NODES.some((n) => rabbitNodePid(n.id) !== undefined),

  async start() {
    await useLoopbackPortMapper();
    mkdirSync(runDirOf(), { recursive: true });
    const wrapper = await startRabbitNode(1);
    for (const node of RABBITMQ_CLUSTER_NODES.slice(1)) {
      await startRabbitNode(node.id);
      const members = await runningNodes(node.id).catch(() => []);
      if (!members.includes("rabbit-1@localhost")) {
        await rabbitmqctlOn(node.id, ["stop_app"]);
        await rabbitmqctlOn(node.id, ["join_cluster", "rabbit-1@localhost"]);
        await rabbitmqctlOn(node.id, ["start_app"]);
      }
    }
    await waitForRabbitCluster();
    return wrapper;
  },

  async stop() {
    for (const node of [...RABBITMQ_CLUSTER_NODES].reverse()) {
      const pid = rabbitNodePid(node.id);
      if (!pid) continue;
      try {
        process.kill(pid, "SIGCONT");
      } catch {}
      await rabbitmqctlOn(node.id, ["shutdown"]).catch(() => stopGroup(pid));
    }
  },

  async health(timeoutMs) {
    await amqpHealthy(`amqp://guest:guest@127.0.0.1:${RABBITMQ_CLUSTER_NODES[0].port}`, timeoutMs);
    const nodes = await runningNodes(1);
    if (nodes.length !== RABBITMQ_CLUSTER_NODES.length) throw new Error(`${nodes.length} of 3 nodes running`);
  },
};
