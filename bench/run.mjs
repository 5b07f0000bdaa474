#!/usr/bin/env node
// `pnpm bench` at the repo root runs this: build the bench and the packages it measures (turbo,
// cached), then run the built runner. Trials run compiled JavaScript, as applications do.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, "..");
const build = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "build", "--filter=@outbound/bench...", "--output-logs=errors-only", "--continue"],
  // Build chatter goes to stderr, so stdout carries only the results table.
  { cwd: root, stdio: ["ignore", 2, 2] },
);
if (build.status !== 0) {
  process.stderr.write(
    "bench: some packages failed to build; trials of those transports will fail and be reported as such\n",
  );
}
const run = spawnSync(process.execPath, [join(bench, "dist", "main.js"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
