import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "./paths.mjs";

function stateFile(name) {
  return join(runDir(), "state", `${name}.json`);
}

/**
 * What `up` recorded about a broker it started (pid, version, ports, log), or undefined.
 * @returns {{ pid?: number, version: string, ports: Record<string, number>, log: string, startedAt: string, external?: boolean } | undefined}
 */
export function readState(name) {
  try {
    return JSON.parse(readFileSync(stateFile(name), "utf8"));
  } catch {
    return undefined;
  }
}

export function writeState(name, state) {
  mkdirSync(join(runDir(), "state"), { recursive: true });
  writeFileSync(stateFile(name), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearState(name) {
  rmSync(stateFile(name), { force: true });
}
