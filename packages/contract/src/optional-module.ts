/**
 * Loads an optional dependency of the suite, or returns undefined when it is not installed.
 * The schema-fidelity and tracing groups need Avro, Protobuf and the OpenTelemetry SDK; a
 * third-party transport that installs none of them still runs every other group, and those two
 * skip with the install command in their note. Any other failure while loading is a real error
 * and is thrown.
 */
export async function loadOptional<T>(load: () => Promise<T>, specifier: string): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return undefined;
    throw error;
  }
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  // Node says ERR_MODULE_NOT_FOUND; vite's resolver, under vitest, throws without a code.
  const notFound =
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    /Cannot find (module|package)|Failed to (resolve|load url)/.test(message);
  return notFound && message.includes(specifier);
}

/** The note a test skips with when `specifier` is missing. */
export function installNote(specifier: string): string {
  return `needs ${specifier}: npm install --save-dev ${specifier}`;
}
