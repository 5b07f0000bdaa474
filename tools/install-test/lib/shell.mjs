import { spawn } from "node:child_process";
import { dirname, sep } from "node:path";

/**
 * The environment every package manager and app script runs in. The workspace's pnpm script
 * environment is dropped (npm_* and pnpm's variables, the workspace's node_modules/.bin on PATH)
 * so nothing installed or run in an app can reach into the workspace, and the Node running this
 * test comes first on PATH: npm, npx and the app scripts run on it, never on an older system Node.
 */
export function cleanEnvironment(workspaceRoot, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_)/i.test(key) || key === "NODE_OPTIONS" || key === "INIT_CWD") continue;
    env[key] = value;
  }
  const path = (process.env.PATH ?? "")
    .split(":")
    .filter((entry) => entry !== "" && !`${entry}${sep}`.startsWith(`${workspaceRoot}${sep}`));
  env.PATH = [dirname(process.execPath), ...path].join(":");
  return { ...env, ...extra };
}

/**
 * Runs a command to completion and returns its exit code and output; never throws for a
 * non-zero exit (callers decide what a failure means), only for a timeout.
 */
export function run(command, args, { cwd, env, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} did not finish within ${timeoutMs} ms (in ${cwd})`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Like run(), but a non-zero exit is an error that carries the command's output. */
export async function runOrThrow(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.code} in ${options?.cwd}\n${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  return result;
}
