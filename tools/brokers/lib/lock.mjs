import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runDir } from "./paths.mjs";
import { isAlive } from "./process.mjs";

/**
 * Runs `task` while holding a per-broker lock, so that a CLI `up` and several vitest global setups
 * started at once neither fetch into the same directory nor start the broker twice. The lock is a
 * directory (mkdir is atomic) holding the owner's pid; a lock whose owner died is taken over.
 */
export async function withLock(name, task, timeoutMs = 20 * 60_000) {
  const dir = join(runDir(), "locks", `${name}.lock`);
  mkdirSync(join(runDir(), "locks"), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "owner"), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(dir, "owner"), "utf8"));
      } catch {
        // the owner is between mkdir and writing its pid; give it a moment
      }
      if ((owner && !isAlive(owner)) || (!owner && ageMs(dir) > 10_000)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for another process (pid ${owner}) to finish with ${name}`);
      await sleep(500);
    }
  }
  try {
    return await task();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ageMs(path) {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
