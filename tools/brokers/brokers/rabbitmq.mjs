import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { amqpHealthy } from "../lib/health.mjs";
import { brokerRunDir, cacheDir } from "../lib/paths.mjs";
import { isAlive, run, spawnDetached, stopGroup } from "../lib/process.mjs";

const serverScript = "/usr/sbin/rabbitmq-server";
const envConf = "/etc/rabbitmq/rabbitmq-env.conf";
/**
 * A node name on `localhost` rather than the machine's host name: the Erlang port mapper is bound to
 * 127.0.0.1, and the host name may resolve to another address.
 */
const nodeName = "rabbit@localhost";
const runDir = () => brokerRunDir("rabbitmq");
const pidFile = () => join(runDir(), "rabbit.pid");

/**
 * RabbitMQ from Debian's package, run as the `rabbitmq` user with its data under .brokers/rabbitmq.
 * The package may start its own server on install (a policy-rc.d may also forbid it): a healthy node
 * that this tool did not start is used as it is, never started twice.
 * @type {import("../lib/broker.mjs").Broker}
 */
export const rabbitmq = {
  name: "rabbitmq",
  version: "3.10 (Debian)",
  ports: { amqp: 5672 },
  startTimeoutMs: 90_000,
  log: join(runDir(), "rabbitmq.log"),
  dataDirs: [join(runDir(), "mnesia")],
  marker: serverScript,

  async fetch(onStart) {
    if (existsSync(serverScript)) return { fetched: false, seconds: 0 };
    onStart();
    const started = Date.now();
    const log = join(cacheDir(), "rabbitmq-apt.log");
    mkdirSync(cacheDir(), { recursive: true });
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    try {
      await run("apt-get", ["update"], { env, log });
      await run("apt-get", ["install", "-y", "--no-install-recommends", "rabbitmq-server"], { env, log });
    } catch (error) {
      throw new Error(`apt-get could not install rabbitmq-server (see ${log}; it needs root)`, {
        cause: error,
      });
    }
    return { fetched: true, seconds: (Date.now() - started) / 1000 };
  },

  async start() {
    await useLoopbackPortMapper();
    const dir = runDir();
    for (const sub of ["", "mnesia", "log"]) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, "enabled_plugins"), "[].\n");
    writeFileSync(
      join(dir, "rabbitmq.conf"),
      `# Written by tools/brokers on every start; edit tools/brokers/brokers/rabbitmq.mjs instead.
listeners.tcp.1 = 127.0.0.1:${rabbitmq.ports.amqp}
loopback_users.guest = true
`,
    );
    // rabbitmqctl (run by tests too, e.g. close_all_connections) reads the node name from here.
    writeFileSync(
      envConf,
      `# Written by Outbound's tools/brokers: the node it starts is ${nodeName}.\nNODENAME=${nodeName}\n`,
    );
    const uid = Number((await run("id", ["-u", "rabbitmq"])).trim());
    const gid = Number((await run("id", ["-g", "rabbitmq"])).trim());
    for (const sub of ["", "mnesia", "log", "enabled_plugins", "rabbitmq.conf"])
      chownSync(join(dir, sub), uid, gid);

    // The package's script switches to the rabbitmq user with su, which keeps these variables.
    return spawnDetached(serverScript, [], {
      cwd: dir,
      log: rabbitmq.log,
      env: {
        RABBITMQ_NODENAME: nodeName,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(rabbitmq.ports.amqp),
        ERL_EPMD_ADDRESS: "127.0.0.1",
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
        RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
        RABBITMQ_LOG_BASE: join(dir, "log"),
        RABBITMQ_LOGS: "-",
        RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
        RABBITMQ_PID_FILE: pidFile(),
      },
    });
  },

  health: (timeoutMs) => amqpHealthy(`amqp://guest:guest@127.0.0.1:${rabbitmq.ports.amqp}`, timeoutMs),

  /** rabbitmqctl shuts the Erlang VM down cleanly; signals to su's process group are a fallback. */
  async stop(state) {
    try {
      await run("rabbitmqctl", ["shutdown"], { timeoutMs: 60_000 });
    } catch {
      if (state?.pid && isAlive(state.pid)) await stopGroup(state.pid);
    }
    if (state?.pid && isAlive(state.pid)) await stopGroup(state.pid);
    // The node started the port mapper; stop it too. epmd refuses while any node is still registered.
    await run("epmd", ["-kill"]).catch(() => {});
  },

  async reset() {
    await run("rabbitmqctl", ["stop_app"], { timeoutMs: 60_000 });
    await run("rabbitmqctl", ["reset"], { timeoutMs: 60_000 });
    await run("rabbitmqctl", ["start_app"], { timeoutMs: 60_000 });
  },

  /** The Erlang VM's pid (what holds the memory), which the node writes once it runs. */
  findPid() {
    try {
      const pid = Number(readFileSync(pidFile(), "utf8").trim());
      return isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  },
};

/**
 * The package leaves a port mapper (epmd) listening on every interface. With no node registered it
 * serves nothing, so stop it and let the node start one bound to 127.0.0.1.
 */
async function useLoopbackPortMapper() {
  let names = "";
  try {
    names = await run("epmd", ["-names"]);
  } catch {
    return; // none running
  }
  if (!/^name /m.test(names)) await run("epmd", ["-kill"]).catch(() => {});
}
