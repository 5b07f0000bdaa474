import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

export function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string }).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  return (
    error instanceof Error &&
    /Cannot find (module|package)|Failed to (load|resolve)/i.test(error.message) &&
    error.message.includes(packageName)
  );
}

/**
 * Imports a transport package. First as core itself sees it (a flat node_modules), then from the
 * application's point of view (its working directory and main script), because strict layouts
 * such as pnpm's only let core see its own dependencies.
 */
export async function importFromApplication(packageName: string): Promise<unknown> {
  // A variable specifier keeps bundlers and TypeScript from requiring every transport up front.
  const specifier: string = packageName;
  try {
    return await import(specifier);
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
    const bases = [process.cwd(), process.argv[1] ? dirname(process.argv[1]) : undefined];
    for (const base of bases) {
      if (!base) continue;
      let resolved: string;
      try {
        resolved = createRequire(join(base, "outbound-resolve.cjs")).resolve(specifier);
      } catch {
        continue;
      }
      return await import(pathToFileURL(resolved).href);
    }
    throw error;
  }
}
