import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "./usage-error.js";

/**
 * Imports a package the CLI lists as an optional peer (a serializer), first as the CLI sees it,
 * then from the working directory, where an application that installed it keeps it.
 */
export async function importOptional<T>(packageName: string, neededFor: string): Promise<T> {
  const specifier: string = packageName;
  try {
    return (await import(specifier)) as T;
  } catch (first) {
    try {
      const resolved = createRequire(join(process.cwd(), "outbound-cli.cjs")).resolve(specifier);
      return (await import(pathToFileURL(resolved).href)) as T;
    } catch {
      const code = (first as NodeJS.ErrnoException).code;
      if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw first;
      throw new UsageError(`${neededFor} needs ${packageName}; install it with: npm install ${packageName}`);
    }
  }
}
