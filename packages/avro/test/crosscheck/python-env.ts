import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..", "..", "..");
export const requirementsFile = join(here, "requirements.txt");
export const crosscheckScript = join(here, "crosscheck.py");

/**
 * Creates (once) the venv the cross-check runs in, under the gitignored .cache/, from
 * requirements.txt. A stamp with the requirements' hash makes later runs skip pip; changing the
 * requirements reinstalls. Returns the venv's python.
 */
export async function ensurePythonEnv(): Promise<string> {
  const venv = join(repoRoot, ".cache", "schema-check-venv");
  const python = join(venv, "bin", "python");
  const stamp = join(venv, ".requirements-sha256");
  const wanted = createHash("sha256").update(readFileSync(requirementsFile)).digest("hex");
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return python;
  await run(process.env.PYTHON ?? "python3", ["-m", "venv", venv]);
  await run(
    python,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirementsFile],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  writeFileSync(stamp, wanted);
  return python;
}

/** Runs crosscheck.py with a spec file and returns its parsed JSON output. */
export async function runCrosscheck<T>(python: string, specFile: string): Promise<T> {
  const { stdout } = await run(python, [crosscheckScript, specFile], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as T;
}
