import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

/**
 * A directory a server running as a service user (rabbitmq, postgres) can work in, for the run dir
 * `preferred`: that dir when every parent lets others through, else one under `fallbackRoot`
 * named after it (checkouts below a private home such as /root).
 */
export function serviceWorkDir(preferred, fallbackRoot) {
  if (othersCanTraverse(dirname(preferred))) return preferred;
  const id = createHash("sha256").update(preferred).digest("hex").slice(0, 12);
  return join(fallbackRoot, id);
}

function othersCanTraverse(dir) {
  for (let current = dir; ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dirname(current) === current) return true;
  }
}
