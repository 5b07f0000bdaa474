import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI_BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/**
 * Builds the CLI and what it imports, so the tests run the binary a user runs, not the sources.
 * Called by the global setup (build-cli.setup.ts), never from a test file.
 */
export function buildCli(): void {
  execFileSync(
    `${repo}node_modules/.bin/turbo`,
    ["run", "build", "--filter=@outbound/cli...", "--output-logs=errors-only"],
    {
      cwd: repo,
      stdio: "ignore",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      timeout: 170_000,
    },
  );
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment without the developer's own OUTBOUND_* settings, plus `env`. */
export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith("OUTBOUND_") || name.startsWith("OUTBOUND_TEST_"),
    ),
  );
  return { ...base, ...env };
}

/** Runs `outbound ...args` as a subprocess with the same Node as the tests, `input` on stdin. */
export async function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const run = startCli(args, options.env);
  run.child.stdin.end(options.input ?? "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill("SIGKILL");
      const { stdout, stderr } = run.output();
      reject(
        new Error(`outbound ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `outbound ...args` and hands back the child, for tests that signal it mid-run. */
export function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: cleanEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const started = performance.now();
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started }),
    );
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout holds `count` lines starting with `prefix`. */
    async linesStartingWith(prefix: string, count: number, timeoutMs = 20_000): Promise<void> {
      const until = performance.now() + timeoutMs;
      while (stdout.split("\n").filter((l) => l.startsWith(prefix)).length < count) {
        if (performance.now() > until)
          throw new Error(`no ${count} "${prefix}" lines in time:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
