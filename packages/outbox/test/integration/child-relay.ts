import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./relay-child.mjs", import.meta.url));

/**
 * Builds the outbox and what the child relay imports: the child runs the built packages, as an
 * application would. Called from `beforeAll` in projects that run one file at a time, so no
 * other file's child can start on half-written files.
 */
export function buildForChildRelay(): void {
  execFileSync(
    `${repo}node_modules/.bin/turbo`,
    [
      "run",
      "build",
      "--filter=@outbound/outbox...",
      "--filter=@outbound/kafka...",
      "--output-logs=errors-only",
    ],
    {
      cwd: repo,
      stdio: "ignore",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      timeout: 170_000,
    },
  );
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs relay-child.mjs with `env` until it exits (by itself, or by its own SIGKILL). `onAcked`
 * is called when it says its OUTBOX_ANNOUNCE_AFTER_ACKS-th message was acknowledged.
 */
export function runChildRelay(
  env: Record<string, string>,
  { timeoutMs = 60_000, onAcked }: { timeoutMs?: number; onAcked?: () => void } = {},
): Promise<ChildExit> {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const before = stdout.includes("acked\n");
    stdout += chunk.toString();
    if (!before && stdout.includes("acked\n")) onAcked?.();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the child relay did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
