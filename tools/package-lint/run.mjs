#!/usr/bin/env node
/**
 * publint and arethetypeswrong (attw) on every publishable package, part of `pnpm lint`. Each
 * runs on the tarball `pnpm pack` makes, the exact file set and package.json a user installs
 * (workspace: versions rewritten), never on the package folder.
 *
 * attw runs with `--profile esm-only`: the packages are deliberately ESM-only ("type": "module",
 * no CommonJS build) and need Node 22.22+, where require() of ESM works unflagged (the installed-
 * package test requires core from a .cjs file to prove it). The profile drops the node10 and
 * node16-from-CJS rows, which only say "this is ESM"; node16-from-ESM and bundler must be clean.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packAll } from "../install-test/lib/pack.mjs";
import { run, runOrThrow } from "../install-test/lib/shell.mjs";
import { publishablePackages } from "../install-test/lib/workspace-packages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(here, "..", "..");
const bin = (name) => join(here, "node_modules", ".bin", name);

await runOrThrow("pnpm", ["-s", "build"], { cwd: workspaceRoot, timeoutMs: 300_000 });
const temp = mkdtempSync(join(tmpdir(), "outbound-package-lint-"));
let failures = 0;
try {
  const packed = await packAll(publishablePackages(workspaceRoot), temp, process.env);
  for (const pkg of packed.values()) {
    const checks = [
      ["publint", [bin("publint"), "run", pkg.tarball, "--strict", "--level", "suggestion"]],
      ["attw", [bin("attw"), pkg.tarball, "--profile", "esm-only", "--format", "ascii", "--no-color"]],
    ];
    for (const [tool, [command, ...args]] of checks) {
      const result = await run(command, args, { cwd: here, timeoutMs: 120_000 });
      // publint prints suggestions without failing; show them so they are read, not only counted.
      const suggests = tool === "publint" && /Suggestion/i.test(result.stdout);
      if (result.code !== 0 || suggests) {
        failures += result.code !== 0 ? 1 : 0;
        console.log(
          `${result.code !== 0 ? "FAIL" : "note"} ${tool} ${pkg.name}\n${result.stdout}${result.stderr}`,
        );
      } else {
        console.log(`ok   ${tool} ${pkg.name}`);
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`package-lint: ${failures} failed`);
  process.exitCode = 1;
}
