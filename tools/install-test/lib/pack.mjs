import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runOrThrow } from "./shell.mjs";

/**
 * Packs each package with pnpm (which rewrites `workspace:^` to the real versions, as
 * `pnpm publish` would) into `destination`, and unpacks each tarball beside it for inspection.
 * Returns, per package name, the tarball's path and its unpacked `package/` directory.
 */
export async function packAll(packages, destination, env) {
  const tarballs = join(destination, "tarballs");
  const unpacked = join(destination, "unpacked");
  mkdirSync(tarballs, { recursive: true });
  const packed = new Map();
  for (const pkg of packages) {
    const before = new Set(readdirSync(tarballs));
    await runOrThrow("pnpm", ["pack", "--pack-destination", tarballs], { cwd: pkg.dir, env });
    const created = readdirSync(tarballs).filter((file) => !before.has(file));
    if (created.length !== 1) throw new Error(`pnpm pack in ${pkg.dir} made ${created.length} tarballs`);
    const tarball = join(tarballs, created[0]);
    const into = join(unpacked, pkg.folder);
    mkdirSync(into, { recursive: true });
    await runOrThrow("tar", ["-xzf", tarball, "-C", into], { env });
    packed.set(pkg.name, { ...pkg, tarball, contents: join(into, "package") });
  }
  return packed;
}
