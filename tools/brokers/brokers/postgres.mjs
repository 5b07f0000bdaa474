import { execFileSync, spawn } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { postgresHealthy } from "../lib/health.mjs";
import { brokerRunDir, cacheDir, serviceWorkDir } from "../lib/paths.mjs";
import { isAlive, run } from "../lib/process.mjs";

/** Debian installs each major under /usr/lib/postgresql/<major>/bin; the newest one is used. */
const installRoot = "/usr/lib/postgresql";
const port = 5433;
const runDir = () => brokerRunDir("postgres");

function binDir() {
  try {
    const majors = readdirSync(installRoot)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(installRoot, name, "bin", "postgres")))
      .sort((a, b) => Number(b) - Number(a));
    return majors.length > 0 ? join(installRoot, majors[0], "bin") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, so under root the server runs as Debian's `postgres` user,
 * which must be able to reach its data directory: the run dir when every parent lets others
 * through, else a directory under /var/lib/postgresql (checkouts below a private home).
 */
function serverUser() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

function workDir() {
  const preferred = runDir();
  return process.getuid?.() === 0 ? serviceWorkDir(preferred, "/var/lib/postgresql/outbound") : preferred;
}

const dataDir = () => join(workDir(), "data");

/**
 * PostgreSQL from Debian's package (the outbox's production store), as a server of its own: its
 * own data directory under .brokers/postgres, 127.0.0.1:5433 (not the package's 5432), TCP only,
 * user `outbound` trusted on loopback (a test database, never a real one).
 * @type {import("../lib/broker.mjs").Broker}
 */
export const postgres = {
  name: "postgres",
  get version() {
    const bin = binDir();
    return bin ? `postgresql ${bin.split("/").at(-2)}` : "not installed";
  },
  ports: { postgres: port },
  startTimeoutMs: 60_000,
  log: join(runDir(), "postgres.log"),
  get dataDirs() {
    return [dataDir()];
  },
  get marker() {
    return dataDir();
  },

  async fetch(onStart) {
    if (binDir()) return { fetched: false, seconds: 0 };
    onStart();
    const started = Date.now();
    const log = join(cacheDir(), "postgres-apt.log");
    mkdirSync(cacheDir(), { recursive: true });
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    try {
      await run("apt-get", ["update"], { env, log });
      await run("apt-get", ["install", "-y", "postgresql"], { env, log });
    } catch (error) {
      throw new Error(`apt-get could not install postgresql (see ${log}; it needs root)`, { cause: error });
    }
    return { fetched: true, seconds: (Date.now() - started) / 1000 };
  },

  async start() {
    const bin = binDir();
    if (!bin) throw new Error("postgresql is not installed (pnpm brokers fetch postgres installs it)");
    const user = serverUser();
    const dir = workDir();
    mkdirSync(dir, { recursive: true });
    if (user) chownSync(dir, user.uid, user.gid);
    const as = user ? { uid: user.uid, gid: user.gid } : {};
    if (!existsSync(join(dataDir(), "PG_VERSION"))) {
      await runAs(
        join(bin, "initdb"),
        ["-D", dataDir(), "-U", "outbound", "--auth=trust", "-E", "UTF8", "--locale=C"],
        as,
        postgres.log,
      );
    }
    mkdirSync(dirname(postgres.log), { recursive: true });
    const fd = openSync(postgres.log, "a");
    try {
      const child = spawn(
        join(bin, "postgres"),
        [
          "-D",
          dataDir(),
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          `port=${port}`,
          "-c",
          "unix_socket_directories=",
          "-c",
          "max_connections=200",
        ],
        { cwd: dir, detached: true, stdio: ["ignore", fd, fd], ...as },
      );
      child.unref();
      if (child.pid === undefined) throw new Error("could not start postgres");
      return child.pid;
    } finally {
      closeSync(fd);
    }
  },

  health: (timeoutMs) => postgresHealthy(`postgres://outbound@127.0.0.1:${port}/postgres`, timeoutMs),

  /** SIGINT is PostgreSQL's fast shutdown: it ends sessions instead of waiting for them (SIGTERM). */
  async stop(state) {
    if (!state?.pid || !isAlive(state.pid)) return;
    process.kill(state.pid, "SIGINT");
    const deadline = Date.now() + 30_000;
    while (isAlive(state.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(state.pid)) process.kill(state.pid, "SIGKILL");
  },
};

function runAs(command, args, as, log) {
  return new Promise((resolve, reject) => {
    mkdirSync(dirname(log), { recursive: true });
    const fd = openSync(log, "a");
    const child = spawn(command, args, { stdio: ["ignore", fd, fd], ...as });
    child.on("error", (error) => {
      closeSync(fd);
      reject(error);
    });
    child.on("close", (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code} (see ${log})`));
    });
  });
}
