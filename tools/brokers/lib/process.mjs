import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Starts a long-running server in its own process group, its output appended to `log`, and returns its
 * pid without waiting for it: the broker must outlive this CLI (and vitest's global setup).
 */
export function spawnDetached(command, args, { cwd, env, log }) {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, "a");
  try {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True while `pid` is a live (not zombie) process. */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

/**
 * True when `pid` is still the process we started: pids are recycled, and `down` must never signal a
 * stranger, so the command line has to contain a marker we put there (the broker's run directory).
 */
export function isOurs(pid, marker) {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    return false;
  }
}

/** The resident set size of a process in bytes, or undefined when it is gone. */
export function residentBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a process group we started: SIGTERM for a clean shutdown (Kafka and Pulsar flush their logs),
 * SIGKILL after `graceMs`. Resolves once no process of the group is left.
 */
export async function stopGroup(pid, graceMs = 20_000) {
  const signalGroup = (signal) => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  signalGroup("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    signalGroup("SIGKILL");
    while (isAlive(pid)) await sleep(100);
  }
}

/**
 * Runs a command to completion, output appended to `log` when given. Rejects with the exit code.
 * @returns {Promise<string>} stdout when no log is given
 */
export function run(command, args, { cwd, env, log, timeoutMs = 0 } = {}) {
  return new Promise((resolvePromise, reject) => {
    let fd;
    if (log) {
      mkdirSync(dirname(log), { recursive: true });
      fd = openSync(log, "a");
    }
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", fd ?? "pipe", fd ?? "pipe"],
      timeout: timeoutMs || undefined,
    });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", (error) => {
      if (fd !== undefined) closeSync(fd);
      reject(error);
    });
    child.on("close", (code, signal) => {
      if (fd !== undefined) closeSync(fd);
      if (code === 0) resolvePromise(out);
      else {
        const error = new Error(
          `${command} ${args.join(" ")} exited with ${code ?? signal}${out ? `\n${out.trim()}` : ""}`,
        );
        error.exitCode = code;
        reject(error);
      }
    });
  });
}
