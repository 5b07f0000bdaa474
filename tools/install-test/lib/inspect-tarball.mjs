import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";

const dependencyFields = ["dependencies", "peerDependencies", "optionalDependencies"];
/** Files that belong to the workspace's build, never to a published package. */
const workspaceOnly = [/^tsconfig.*\.json$/, /\.tsbuildinfo$/, /^test\//, /^\.turbo\//, /^node_modules\//];

function listFiles(dir, base = dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path, base));
    else files.push(relative(base, path).split(sep).join("/"));
  }
  return files;
}

/** Every file path an exports map, main, types or bin names. */
function entryPoints(manifest) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  for (const field of ["main", "module", "types", "typings"])
    if (manifest[field]) targets.push(manifest[field]);
  walk(typeof manifest.bin === "string" ? { bin: manifest.bin } : manifest.bin);
  return targets;
}

/** Package name of a bare specifier (`@scope/name/sub` gives `@scope/name`), or undefined. */
function packageOf(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:"))
    return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

/**
 * What a tarball must not carry: `workspace:` (or `link:`/`file:`) versions, a dependency on a
 * private workspace package, an entry point or relative import missing from the tarball, a
 * source map pointing outside it, workspace-only files, the workspace's absolute path, and a
 * bare import of a package its manifest does not declare. Returns one line per problem.
 */
export function inspectTarball({ name, contents }, { workspaceRoot, privateNames }) {
  const problems = [];
  const text = readFileSync(join(contents, "package.json"), "utf8");
  const manifest = JSON.parse(text);
  if (/"(workspace|link|catalog):/.test(text))
    problems.push(`package.json still has a workspace-only version`);
  const declared = new Set();
  for (const field of dependencyFields) {
    for (const [dep, version] of Object.entries(manifest[field] ?? {})) {
      declared.add(dep);
      if (/^(file|link|workspace|portal):/.test(version)) problems.push(`${field}.${dep} is "${version}"`);
      if (privateNames.has(dep)) problems.push(`${field}.${dep} is a private workspace package`);
    }
  }
  const files = listFiles(contents);
  const fileSet = new Set(files);
  for (const file of files) {
    if (workspaceOnly.some((pattern) => pattern.test(file)))
      problems.push(`ships workspace-only file ${file}`);
  }
  for (const target of entryPoints(manifest)) {
    // The workspace's "source" condition (src/*.ts, for its own type-checks) is stripped by
    // publishConfig.exports: a user whose tsconfig sets the same condition would compile our sources.
    if (/\.[cm]?ts$/.test(target) && !/\.d\.[cm]?ts$/.test(target))
      problems.push(`package.json points at source ${target}`);
    const path = target.replace(/^\.\//, "");
    if (!fileSet.has(path)) problems.push(`package.json points at ${target}, which the tarball lacks`);
  }
  const builtins = new Set(builtinModules);
  for (const file of files) {
    const full = join(contents, file);
    if (statSync(full).size > 5_000_000) continue;
    const body = readFileSync(full, "utf8");
    if (body.includes(workspaceRoot)) problems.push(`${file} contains the workspace path ${workspaceRoot}`);
    if (file.endsWith(".map")) {
      const map = JSON.parse(body);
      for (const source of map.sources ?? []) {
        const target = resolve(dirname(full), map.sourceRoot ?? "", source);
        if (!target.startsWith(contents + sep) || !existsSync(target)) {
          problems.push(`${file} maps to ${source}, outside the tarball or missing`);
        }
      }
      continue;
    }
    if (!/\.(m?js|d\.m?ts)$/.test(file)) continue;
    for (const match of body.matchAll(specifierPattern)) {
      const specifier = match[1];
      if (specifier.startsWith(".")) {
        if (!existsSync(resolve(dirname(full), specifier)))
          problems.push(`${file} imports ${specifier}, missing`);
        continue;
      }
      const dep = packageOf(specifier);
      if (dep && !builtins.has(dep) && dep !== name && !declared.has(dep)) {
        problems.push(`${file} imports ${dep}, which package.json does not declare`);
      }
    }
  }
  return [...new Set(problems)];
}
