import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "../../../tools/brokers/index.mjs";

const LOCK_DIR = join(runDir(), "locks", "pulsar-tests.lock");

function ownerAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK_DIR, "owner"), "utf8")), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes this test file the only one using Pulsar while it runs. vitest runs test files in
 * parallel, and the restart test kills the broker (and the contract suite's stall freezes it):
 * any other file running then would fail for reasons that are not its own. A directory is the
 * lock (mkdir is atomic), holding the owner's pid so a crashed owner's lock is taken over.
 * Returns the release function.
 */
export async function holdPulsarExclusively(timeoutMs = 15 * 60_000): Promise<() => void> {
  mkdirSync(join(runDir(), "locks"), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, "owner"), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock without an owner file for long, or whose owner died, is stale.
      if (!ownerAlive()) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (!ownerAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for another Pulsar test file to finish");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
