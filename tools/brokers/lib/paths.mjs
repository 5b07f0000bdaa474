import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root: tools/brokers/lib is three levels below it. */
export const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/**
 * Downloads live outside the repo so that a fresh clone, `git clean` or a new worktree reuses them,
 * and so that nothing fetched can be committed by accident.
 */
export function cacheDir() {
  return process.env.OUTBOUND_CACHE_DIR || join(homedir(), ".cache", "outbound");
}

/** Per-run data, logs and state: the repo's gitignored `.brokers/`, wiped per broker by `up --fresh`. */
export function runDir() {
  return process.env.OUTBOUND_BROKERS_DIR || join(repoRoot, ".brokers");
}

/** Where one broker keeps its data, config and log for this run. */
export function brokerRunDir(name) {
  return join(runDir(), name);
}
