import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { join, sep } from "node:path";
import { runOrThrow } from "./shell.mjs";

/** The packages to install for `wanted`: those plus every @outbound package they depend on. */
export function closure(wanted, packed) {
  const result = new Set();
  const visit = (name) => {
    if (result.has(name)) return;
    const pkg = packed.get(name);
    if (!pkg) throw new Error(`${name} has no tarball (is it private, or missing from packages/?)`);
    result.add(name);
    const manifest = JSON.parse(readFileSync(join(pkg.contents, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (packed.has(dep)) visit(dep);
  };
  wanted.forEach(visit);
  return [...result].sort();
}

/**
 * A fresh application that installs our packages only from their tarballs. Every @outbound
 * package of the closure is a direct `file:` dependency and also an override, so a transitive
 * `@outbound/core@^0.1.0` resolves to the tarball too, never to the npm registry.
 *
 * npm: the app is the project root (flat node_modules). pnpm: the app is one package of a
 * pnpm workspace with `hoist: false`, pnpm's strictest layout: the virtual store sits in the
 * workspace root, so walking up from core never reaches the app's node_modules, and nothing is
 * hoisted into node_modules/.pnpm/node_modules (pnpm's default would put the transport there,
 * where core finds it and the registry's fallback goes untested).
 */
export async function createApp({ root, layout, label, packages, packed, extraDependencies = {}, env }) {
  const names = closure(packages, packed);
  const files = Object.fromEntries(names.map((name) => [name, `file:${packed.get(name).tarball}`]));
  const projectRoot = join(root, `${layout}-${label}`);
  const app = layout === "pnpm" ? join(projectRoot, "app") : projectRoot;
  mkdirSync(app, { recursive: true });
  const manifest = {
    name: `outbound-install-test-${label}`,
    version: "1.0.0",
    private: true,
    type: "module",
    dependencies: { ...files, ...extraDependencies },
  };
  if (layout === "npm") manifest.overrides = files;
  writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (layout === "npm") {
    await runOrThrow(
      "npm",
      ["install", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"],
      {
        cwd: app,
        env,
      },
    );
  } else {
    writeFileSync(
      join(projectRoot, "package.json"),
      `${JSON.stringify({ name: `outbound-install-test-${label}-root`, private: true }, null, 2)}\n`,
    );
    const overrides = names.map((name) => `  "${name}": "${files[name]}"`).join("\n");
    writeFileSync(
      join(projectRoot, "pnpm-workspace.yaml"),
      `packages:\n  - app\nhoist: false\noverrides:\n${overrides}\n`,
    );
    await runOrThrow("pnpm", ["install", "--reporter=append-only"], { cwd: projectRoot, env });
  }
  const installed = verifyInstalled({ projectRoot, names, packed });
  return { app, projectRoot, layout, label, names, installed };
}

const hash = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * Walks every node_modules the app has (pnpm's virtual store included) and checks that each
 * installed package lives inside the app's project (no link into the workspace), that the
 * @outbound packages are exactly the expected closure, and that each is byte for byte the
 * tarball's package.json and entry point (not a registry package of the same name).
 */
function verifyInstalled({ projectRoot, names, packed }) {
  const found = new Map();
  const visited = new Set();
  const problems = [];
  const realRoot = realpathSync(projectRoot);
  const visitModules = (dir) => {
    if (!existsSync(dir) || visited.has(dir)) return;
    visited.add(dir);
    for (const entry of readdirSync(dir)) {
      if (entry === ".bin" || entry.startsWith(".modules") || entry === ".package-lock.json") continue;
      const path = join(dir, entry);
      if (entry === ".pnpm") {
        for (const slot of readdirSync(path)) visitModules(join(path, slot, "node_modules"));
        visitModules(join(path, "node_modules"));
        continue;
      }
      if (entry.startsWith("@")) {
        for (const scoped of readdirSync(path)) visitPackage(join(path, scoped), `${entry}/${scoped}`);
      } else {
        visitPackage(path, entry);
      }
    }
  };
  const visitPackage = (path, name) => {
    if (!lstatSync(path).isSymbolicLink() && !lstatSync(path).isDirectory()) return;
    const real = realpathSync(path);
    if (!`${real}${sep}`.startsWith(`${realRoot}${sep}`))
      problems.push(`${name} resolves outside the app: ${real}`);
    if (name.startsWith("@outbound/")) {
      if (!found.has(name)) found.set(name, new Set());
      found.get(name).add(real);
    }
    visitModules(join(real, "node_modules"));
  };
  visitModules(join(projectRoot, "node_modules"));
  visitModules(join(projectRoot, "app", "node_modules"));
  const expected = [...names].sort().join(", ");
  const actual = [...found.keys()].sort().join(", ");
  if (expected !== actual)
    problems.push(`installed @outbound packages are [${actual}], expected [${expected}]`);
  for (const [name, copies] of found) {
    const pkg = packed.get(name);
    if (!pkg) continue;
    const manifest = JSON.parse(readFileSync(join(pkg.contents, "package.json"), "utf8"));
    const entry = typeof manifest.exports?.["."] === "object" ? manifest.exports["."].default : undefined;
    for (const copy of copies) {
      for (const file of ["package.json", ...(entry ? [entry] : [])]) {
        if (hash(join(copy, file)) !== hash(join(pkg.contents, file))) {
          problems.push(`${name} at ${copy}: ${file} differs from the tarball's`);
        }
      }
    }
  }
  if (problems.length > 0)
    throw new Error(`install check in ${projectRoot} failed:\n  ${problems.join("\n  ")}`);
  return Object.fromEntries([...found].map(([name, copies]) => [name, [...copies]]));
}
