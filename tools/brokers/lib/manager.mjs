import { rmSync } from "node:fs";
import { createConnection } from "node:net";
import { brokerByName } from "../brokers/index.mjs";
import { isExternal } from "../endpoints.mjs";
import { withLock } from "./lock.mjs";
import { logTail } from "./log-tail.mjs";
import { brokerRunDir } from "./paths.mjs";
import { isAlive, isOurs, residentBytes, stopGroup } from "./process.mjs";
import { clearState, readState, writeState } from "./state.mjs";
import { waitUntilHealthy } from "./wait.mjs";

/** @typedef {import("./broker.mjs").Broker} Broker */

/** Start order: quick ones first, then the JVM heavyweights one after the other (they share 2 cores). */
const startOrder = [
  "toxiproxy",
  "postgres",
  "sqs",
  "rabbitmq",
  "kafka",
  "pulsar",
  "pulsar-auth",
  "kafka-cluster",
  "rabbitmq-cluster",
];

/** What `up` starts when given no names; `pulsar-auth` only runs when asked for. PostgreSQL is the outbox's store. */
export const defaultBrokers = ["toxiproxy", "postgres", "sqs", "rabbitmq", "kafka", "pulsar"];

/** Names in start order; `fallback` when none are given. Unknown names throw. */
export function selectBrokers(names, fallback = defaultBrokers) {
  const wanted = names?.length ? names : fallback;
  for (const name of wanted) brokerByName(name);
  return startOrder.filter((name) => wanted.includes(name)).map(brokerByName);
}

/** True while the process recorded for `broker` is still the one this tool started. */
function running(broker, state) {
  if (!state?.pid) return false;
  return broker.running
    ? broker.running(state)
    : isOurs(state.pid, broker.marker ?? brokerRunDir(broker.name));
}

/**
 * Brings brokers up: fetches what is missing (Maven fetches one after another, the Go and apt installs
 * beside them), then starts each broker not already healthy and waits for a protocol round trip.
 * Idempotent; brokers overridden by environment variables are left to whoever runs them.
 * @param {string[] | undefined} names
 * @param {{ fresh?: boolean, print?: (line: string) => void }} [options]
 */
export async function up(names, { fresh = false, print = console.log } = {}) {
  const brokers = selectBrokers(names).filter((broker) => {
    if (!isExternal(broker.name)) return true;
    print(`${broker.name}: external (environment override set), not started here`);
    return false;
  });
  await fetchAll(brokers, print);
  for (const broker of brokers) await upOne(broker, { fresh, print });
}

/** Downloads what `up` would need without starting anything (a CI cache-warming step). */
export async function fetch(names, { print = console.log } = {}) {
  await fetchAll(selectBrokers(names), print);
}

async function fetchAll(brokers, print) {
  const fetchOne = (broker) =>
    withLock(broker.name, async () => {
      const result = await broker.fetch(() =>
        print(`${broker.name}: fetching ${broker.version} (first time only)`),
      );
      if (result.fetched)
        print(`${broker.name}: fetched ${broker.version} in ${result.seconds.toFixed(0)} s`);
    });
  const maven = brokers.filter((broker) => broker.fetchesWithMaven);
  const others = brokers.filter((broker) => !broker.fetchesWithMaven);
  // Parallel Maven runs would race on the same local repository; the others use other tools.
  const mavenChain = (async () => {
    for (const broker of maven) await fetchOne(broker);
  })();
  const results = await Promise.allSettled([mavenChain, ...others.map(fetchOne)]);
  const failures = results.filter((result) => result.status === "rejected").map((result) => result.reason);
  if (failures.length) throw new AggregateError(failures, failures.map(describeError).join("\n"));
}

async function upOne(broker, { fresh, print }) {
  await withLock(broker.name, async () => {
    const state = readState(broker.name);
    if (running(broker, state)) {
      if (!fresh) {
        // Ours and running: maybe still starting (another `up` began it), so give it the start timeout.
        await waitHealthy(broker, state.pid, broker.startTimeoutMs).catch((error) => {
          throw failure(broker, `is running (pid ${state.pid}) but unhealthy`, error);
        });
        print(`${broker.name}: already up (pid ${state.pid})`);
        return;
      }
      print(`${broker.name}: stopping pid ${state.pid} for a fresh start`);
      await stopBroker(broker, state);
    } else if (await answers(broker)) {
      // Serving, but not a process we recorded: a service manager started it (Debian's rabbitmq-server
      // package does) or another checkout's `up` did. Use it rather than fight over the ports.
      if (fresh && broker.reset) {
        await broker.reset(state);
        print(`${broker.name}: reset to an empty broker`);
      }
      const pid = broker.findPid?.();
      writeState(broker.name, { ...baseState(broker), pid, adopted: true });
      print(`${broker.name}: already up, not started by this tool${pid ? ` (pid ${pid})` : ""}`);
      return;
    }
    clearState(broker.name);
    await refuseBusyPorts(broker);
    if (fresh) for (const dir of broker.dataDirs) rmSync(dir, { recursive: true, force: true });

    const started = Date.now();
    const pid = await broker.start();
    writeState(broker.name, { ...baseState(broker), pid });
    try {
      await waitHealthy(broker, pid, broker.startTimeoutMs);
    } catch (error) {
      // Leave no half-started broker holding ports for the next attempt.
      if (pid) await (broker.stop ? broker.stop({ pid }) : stopGroup(pid, 5000)).catch(() => {});
      clearState(broker.name);
      throw failure(broker, "did not start", error);
    }
    const rss = pid ? residentBytes(broker.findPid?.() ?? pid) : undefined;
    print(
      `${broker.name}: up in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        ` (${broker.version}, pid ${pid ?? "?"}, ports ${Object.values(broker.ports).join("/")}` +
        `${rss ? `, ${Math.round(rss / 2 ** 20)} MiB resident` : ""})`,
    );
  });
}

/** A failure that says what happened, what to try, and shows the end of the broker's log. */
function failure(broker, what, error) {
  return new Error(
    `${broker.name} ${broker.version} ${what}: ${describeError(error)}\n` +
      `(\`pnpm brokers logs ${broker.name}\` shows more; \`pnpm brokers up ${broker.name} --fresh\` starts it on empty data)\n` +
      `--- last lines of ${broker.log} ---\n${logTail(broker.log, 40) || "(empty)"}`,
    { cause: error },
  );
}

function baseState(broker) {
  return {
    version: broker.version,
    ports: broker.ports,
    log: broker.log,
    startedAt: new Date().toISOString(),
  };
}

async function waitHealthy(broker, pid, timeoutMs) {
  await waitUntilHealthy(() => broker.health(5000), {
    timeoutMs,
    stillRunning: () => pid === undefined || isAlive(pid),
  });
}

async function answers(broker) {
  try {
    await broker.health(3000);
    return true;
  } catch {
    return false;
  }
}

/** A port held by something that fails the health check would make the broker die with a bind error. */
async function refuseBusyPorts(broker) {
  for (const [role, port] of Object.entries(broker.ports)) {
    if (await portOpen(port)) {
      throw new Error(
        `${broker.name}: port ${port} (${role}) on 127.0.0.1 is taken by a process that is not a healthy ${broker.name}; stop it first`,
      );
    }
  }
}

export function portOpen(port, host = "127.0.0.1") {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolvePromise(false);
    });
    socket.once("error", () => resolvePromise(false));
  });
}

async function stopBroker(broker, state) {
  if (broker.stop) await broker.stop(state);
  else await stopGroup(state.pid);
  clearState(broker.name);
}

/**
 * Stops what this tool started, by recorded pid (never by process name), in reverse start order.
 * A broker it did not start is left alone unless it knows how to stop it (rabbitmqctl).
 */
export async function down(names, { print = console.log } = {}) {
  for (const broker of selectBrokers(names, startOrder).reverse()) {
    await withLock(broker.name, async () => {
      const state = readState(broker.name);
      if (running(broker, state) || (state?.adopted && broker.stop)) {
        await stopBroker(broker, state);
        print(`${broker.name}: stopped`);
      } else if (state?.adopted) {
        clearState(broker.name);
        print(`${broker.name}: not started by this tool, left running`);
      } else {
        clearState(broker.name);
        print(`${broker.name}: not running`);
      }
    });
  }
}

/**
 * Each broker's state, version, ports, pid, resident memory and whether it answers a health check.
 * @returns {Promise<Array<{ name: string, state: string, version?: string, ports: Record<string, number>, pid?: number, residentBytes?: number, healthy: boolean, detail?: string }>>}
 */
export async function status(names) {
  const rows = [];
  for (const broker of selectBrokers(names, startOrder)) {
    if (isExternal(broker.name)) {
      rows.push({ name: broker.name, state: "external", ports: broker.ports, healthy: false });
      continue;
    }
    const state = readState(broker.name);
    let healthy = false;
    let detail;
    try {
      await broker.health(3000);
      healthy = true;
    } catch (error) {
      detail = describeError(error);
    }
    const ours = running(broker, state);
    // The process holding the memory: RabbitMQ's Erlang VM rather than the su wrapper we started.
    const pid =
      healthy || ours ? (broker.findPid?.() ?? (ours || state?.adopted ? state?.pid : undefined)) : undefined;
    let label = "down";
    if (healthy) label = ours ? "up" : "up (not started by this tool)";
    else if (ours) label = "unhealthy";
    rows.push({
      name: broker.name,
      state: label,
      version: broker.version,
      ports: broker.ports,
      pid,
      residentBytes: pid ? residentBytes(pid) : undefined,
      optional: !defaultBrokers.includes(broker.name),
      healthy,
      detail: healthy ? undefined : detail,
    });
  }
  return rows;
}

/** The tail of a broker's log, for `logs <name>` and failure reports. */
export function logs(name, lines = 60) {
  const broker = brokerByName(name);
  return logTail(broker.log, lines) || `(no log yet at ${broker.log})`;
}

function describeError(error) {
  return error instanceof Error ? error.message : String(error);
}
