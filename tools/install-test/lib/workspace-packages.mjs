import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every package under packages/ that is not private: what would be published. Read from the
 * folder, not a fixed list, so a package added later (such as @outbound/cli) is packed too.
 */
export function publishablePackages(workspaceRoot) {
  const root = join(workspaceRoot, "packages");
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "package.json")))
    .map((entry) => {
      const dir = join(root, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { dir, folder: entry.name, name: manifest.name, version: manifest.version, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Names of the workspace's private packages (test kits, tools): never a published dependency. */
export function privatePackageNames(workspaceRoot) {
  const names = new Set();
  for (const group of ["packages", "tools", "examples"]) {
    const root = join(workspaceRoot, group);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const file = join(root, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      if (manifest.private === true) names.add(manifest.name);
    }
  }
  return names;
}
