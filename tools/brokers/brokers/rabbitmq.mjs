import { execFileSync } from "node:child_process";
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { amqpHealthy } from "../lib/health.mjs";
import { brokerRunDir, cacheDir, serviceWorkDir } from "../lib/paths.mjs";
import { isAlive, run, spawnDetached, stopGroup } from "../lib/process.mjs";
import { ensureTlsFiles } from "../lib/tls.mjs";

export const serverScript = "/usr/sbin/rabbitmq-server";
const envConf = "/etc/rabbitmq/rabbitmq-env.conf";
/**
 * A node name on `localhost` rather than the machine's host name: the Erlang port mapper is bound to
 * 127.0.0.1, and the host name may resolve to another address.
 */
const nodeName = "rabbit@localhost";
const runDir = () => brokerRunDir("rabbitmq");
const pidFile = () => join(nodeDir(), "rabbit.pid");

/**
 * The directory the node (running as user `rabbitmq`) works in: the run dir when that user can reach
 * it, else a directory under /var/lib/rabbitmq, for checkouts below a private home such as /root.
 */
function nodeDir() {
  return workDirFor(runDir());
}

/** A directory the `rabbitmq` user can work in, for the run dir `preferred`. */
export function workDirFor(preferred) {
  return serviceWorkDir(preferred, "/var/lib/rabbitmq/outbound");
}

/**
 * RabbitMQ from Debian's package, run as the `rabbitmq` user with its data under .brokers/rabbitmq.
 * The package may start its own server on install (a policy-rc.d may also forbid it): a healthy node
 * that this tool did not start is used as it is, never started twice.
 * @type {import("../lib/broker.mjs").Broker}
 */
export const rabbitmq = {
  name: "rabbitmq",
  get version() {
    return installedVersion();
  },
  ports: { amqp: 5672, amqps: 5671 },
  startTimeoutMs: 180_000,
  log: join(runDir(), "rabbitmq.log"),
  get dataDirs() {
    return [join(nodeDir(), "mnesia")];
  },
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
      await run("apt-get", ["install", "-y", "rabbitmq-server"], { env, log });
    } catch (error) {
      throw new Error(`apt-get could not install rabbitmq-server (see ${log}; it needs root)`, {
        cause: error,
      });
    }
    await stopPackageService(log);
    return { fetched: true, seconds: (Date.now() - started) / 1000 };
  },

  async start() {
    await useLoopbackPortMapper();
    const dir = nodeDir();
    for (const sub of ["", "mnesia", "log"]) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, "enabled_plugins"), "[].\n");
    const tls = await ensureTlsFiles(join(dir, "tls"));
    // Tests read the CA from the run dir (endpoints().amqpsCaFile), wherever the node works.
    const publishedCa = join(runDir(), "tls", "ca.pem");
    if (publishedCa !== tls.ca) {
      mkdirSync(dirname(publishedCa), { recursive: true });
      copyFileSync(tls.ca, publishedCa);
    }
    writeFileSync(
      join(dir, "rabbitmq.conf"),
      `# Written by tools/brokers on every start; edit tools/brokers/brokers/rabbitmq.mjs instead.
listeners.tcp.1 = 127.0.0.1:${rabbitmq.ports.amqp}
listeners.ssl.1 = 127.0.0.1:${rabbitmq.ports.amqps}
ssl_options.cacertfile = ${tls.ca}
ssl_options.certfile = ${tls.cert}
ssl_options.keyfile = ${tls.key}
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
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
    for (const sub of ["", "mnesia", "log", "enabled_plugins", "rabbitmq.conf", "tls", "tls/server.key"]) {
      chownSync(join(dir, sub), uid, gid);
    }

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
 * Debian's package starts the server it just installed (unless a policy-rc.d forbids it), with its
 * defaults: every interface, no TLS, data in /var/lib. This tool installed it, so it stops that one
 * and starts its own, configured, node instead.
 */
async function stopPackageService(log) {
  try {
    await rabbitmq.health(3000);
  } catch {
    return; // not running
  }
  await run("service", ["rabbitmq-server", "stop"], { log }).catch(() =>
    run("rabbitmqctl", ["shutdown"], { log, timeoutMs: 60_000 }).catch(() => {}),
  );
  await run("epmd", ["-kill"]).catch(() => {});
}

let versionCache;
/** The Debian package's version ("3.10.8-1.1+deb12u1"); Debian ships no newer RabbitMQ. */
export function installedVersion() {
  if (versionCache) return versionCache;
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format field, not JavaScript.
    versionCache = execFileSync("dpkg-query", ["-W", "-f=${Version}", "rabbitmq-server"], {
      encoding: "utf8",
    }).trim();
  } catch {
    return "not installed";
  }
  return versionCache;
}

/**
 * The package leaves a port mapper (epmd) listening on every interface. With no node registered it
 * serves nothing, so stop it and let the node start one bound to 127.0.0.1.
 */
export async function useLoopbackPortMapper() {
  let names = "";
  try {
    names = await run("epmd", ["-names"]);
  } catch {
    return; // none running
  }
  if (!/^name /m.test(names)) await run("epmd", ["-kill"]).catch(() => {});
}
