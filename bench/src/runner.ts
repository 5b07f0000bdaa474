import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runJavaCeiling } from "./ceilings/java-ceiling.js";
import type { TrialResult, TrialSpec } from "./types.js";

const trialScript = fileURLToPath(new URL("./trial.js", import.meta.url));

function failed(error: string): TrialResult {
  return { ok: false, error, messages: 0, bytes: 0, elapsedMs: 0, msgPerSec: 0, mbPerSec: 0 };
}

/**
 * Runs one trial in a fresh process: a forked Node child for the Node clients, the JVM for the
 * Java ceilings. A child that does not answer in time is killed and the trial counts as failed.
 */
export async function runTrial(spec: TrialSpec, options: { profileDir?: string } = {}): Promise<TrialResult> {
  if (spec.driver.startsWith("java-")) {
    try {
      return await runJavaCeiling(spec);
    } catch (error) {
      return failed(String((error as Error).message ?? error));
    }
  }
  const execArgv = ["--expose-gc"];
  if (options.profileDir && (spec.driver.startsWith("outbound") || spec.driver.startsWith("outbox"))) {
    mkdirSync(options.profileDir, { recursive: true });
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${options.profileDir}`);
  }
  const limitMs = spec.warmupMs + spec.durationMs + 90_000;
  return new Promise((resolve) => {
    const child = fork(trialScript, [], {
      execArgv,
      env: { ...process.env, OUTBOUND_BENCH_TRIAL: JSON.stringify(spec) },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    let result: TrialResult | undefined;
    child.on("message", (message) => {
      result = message as TrialResult;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
    }, limitMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(
        result ??
          failed(
            `trial exited (${signal ?? code}) without a result: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
          ),
      );
    });
  });
}
