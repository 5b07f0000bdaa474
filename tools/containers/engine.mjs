import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withLock } from "../brokers/lib/lock.mjs";
import { logTail } from "../brokers/lib/log-tail.mjs";
import { cacheDir } from "../brokers/lib/paths.mjs";
import { isAlive, run } from "../brokers/lib/process.mjs";

/**
 * The Docker engine for OUTBOUND_BROKERS=containers: Debian's docker.io, with a dockerd we start
 * ourselves (services are blocked on these machines) and stop by the pid we recorded. Its data root
 * sits in the download cache, so the locally built images survive a fresh clone.
 */

export const SOCKET = "/var/run/docker.sock";

/** dockerd's --data-root: images, layers and containers. */
export function dockerDataRoot() {
  return join(cacheDir(), "docker");
}

/** dockerd's pid file and log (beside the data root, not inside it: dockerd owns that tree). */
export function engineDir() {
  return join(cacheDir(), "docker-engine");
}
const pidFile = () => join(engineDir(), "dockerd.pid");
export const engineLog = () => join(engineDir(), "dockerd.log");

/** The environment every docker CLI call and testcontainers needs here. */
export function dockerEnv() {
  return {
    DOCKER_HOST: process.env.DOCKER_HOST || `unix://${SOCKET}`,
    // The classic builder: buildx is not installed, and the CLI refuses BuildKit without it.
    DOCKER_BUILDKIT: "0",
  };
}

/** Runs the docker CLI; resolves with its output. */
export function docker(args, options = {}) {
  return run("docker", args, { ...options, env: { ...dockerEnv(), ...options.env } });
}

/** The same, synchronously (for the drop-in `kafkaNodePid`/`startKafkaNode`, which are sync natively). */
export function dockerSync(args, { timeoutMs = 120_000 } = {}) {
  return execFileSync("docker", args, {
    env: { ...process.env, ...dockerEnv() },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
  });
}

const onPath = (command) => {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** apt-get installs docker.io and debootstrap when dockerd, the docker CLI or debootstrap is missing. */
export async function installEngine({ print = console.log } = {}) {
  if (onPath("dockerd") && onPath("docker") && onPath("debootstrap")) return false;
  const log = join(engineDir(), "apt.log");
  print(`containers: installing docker.io and debootstrap with apt-get (log ${log})`);
  const started = Date.now();
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update"], { env, log });
  await run("apt-get", ["install", "-y", "--no-install-recommends", "docker.io", "debootstrap"], {
    env,
    log,
  });
  print(`containers: installed docker.io and debootstrap in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return true;
}

/** True when a daemon answers on the socket. */
export async function engineAnswers() {
  try {
    await docker(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function recordedPid() {
  try {
    const pid = Number(readFileSync(pidFile(), "utf8").trim());
    if (!pid || !isAlive(pid)) return undefined;
    // Pids are recycled: only a dockerd on our data root is ours.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("dockerd") && cmdline.includes(dockerDataRoot()) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a Docker engine answers: installs the packages if missing, and starts dockerd when no
 * daemon answers (one somebody else runs is used as it is). Resolves with what it did.
 * @returns {Promise<{ started: boolean, pid?: number, seconds: number }>}
 */
export async function ensureEngine({ print = console.log } = {}) {
  return withLock("containers-engine", async () => {
    const begun = Date.now();
    const seconds = () => (Date.now() - begun) / 1000;
    await installEngine({ print });
    if (await engineAnswers()) return { started: false, pid: recordedPid(), seconds: seconds() };
    mkdirSync(engineDir(), { recursive: true });
    mkdirSync(dockerDataRoot(), { recursive: true });
    // A socket left by a dockerd that died would make the new one fail to bind.
    if (existsSync(SOCKET) && !recordedPid()) rmSync(SOCKET, { force: true });
    const fd = openSync(engineLog(), "a");
    let pid;
    try {
      const child = spawn(
        "dockerd",
        ["--host", `unix://${SOCKET}`, "--data-root", dockerDataRoot(), "--ip", "127.0.0.1"],
        { detached: true, stdio: ["ignore", fd, fd] },
      );
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(fd);
    }
    if (!pid) throw new Error("could not start dockerd");
    writeFileSync(pidFile(), `${pid}\n`);
    const deadline = Date.now() + 60_000;
    while (!(await engineAnswers())) {
      if (!isAlive(pid) || Date.now() > deadline) {
        throw new Error(
          `dockerd ${isAlive(pid) ? "did not answer within 60 s" : "exited"}\n` +
            `--- last lines of ${engineLog()} ---\n${logTail(engineLog(), 30)}`,
        );
      }
      await sleep(250);
    }
    print(`containers: dockerd up in ${seconds().toFixed(1)} s (pid ${pid}, data root ${dockerDataRoot()})`);
    return { started: true, pid, seconds: seconds() };
  });
}

/**
 * Stops the dockerd `ensureEngine` started, by its recorded pid (SIGTERM, then SIGKILL after 30 s).
 * A daemon somebody else started is left alone. Containers should be removed first (`down`).
 */
export async function stopEngine({ print = console.log } = {}) {
  const pid = recordedPid();
  if (!pid) {
    print("containers: no dockerd started by this tool is running");
    return false;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
  while (isAlive(pid)) await sleep(100);
  rmSync(pidFile(), { force: true });
  print(`containers: dockerd (pid ${pid}) stopped`);
  return true;
}

/** For `status`: whether a daemon answers, and the pid when it is ours. */
export async function engineStatus() {
  return { answers: await engineAnswers(), pid: recordedPid(), dataRoot: dockerDataRoot(), log: engineLog() };
}
