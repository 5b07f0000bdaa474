import { redactUrl } from "../config/redact.js";
import { OutboundError } from "../errors/index.js";
import type { TransportModule } from "../transport/index.js";
import { importFromApplication, isModuleNotFound } from "./import-from-application.js";

interface Entry {
  name: string;
  schemes: readonly string[];
  /** Further URL schemes accepted when the transport is also named (`transport: "kafkajs"` with `kafka://`). */
  alsoAccepts?: readonly string[];
  /** npm package that holds the transport, for the install hint. */
  packageName: string;
  load: () => Promise<TransportModule>;
}

async function importTransport(packageName: string): Promise<TransportModule> {
  let mod: { transport?: TransportModule; default?: { transport?: TransportModule } };
  try {
    mod = (await importFromApplication(packageName)) as typeof mod;
  } catch (error) {
    if (isModuleNotFound(error, packageName)) {
      throw new OutboundError(
        "TRANSPORT_NOT_INSTALLED",
        `transport package ${packageName} is not installed; install it with: npm install ${packageName}`,
        { cause: error },
      );
    }
    throw new OutboundError("TRANSPORT_NOT_INSTALLED", `transport package ${packageName} failed to load`, {
      cause: error,
    });
  }
  const module = mod.transport ?? mod.default?.transport;
  if (!module || typeof module.create !== "function") {
    throw new OutboundError("TRANSPORT_NOT_INSTALLED", `${packageName} does not export a transport module`);
  }
  return module;
}

const builtin = (name: string, schemes: string[], alsoAccepts: string[] = []): Entry => {
  const packageName = `@outbound/${name}`;
  return { name, schemes, alsoAccepts, packageName, load: () => importTransport(packageName) };
};

const entries = new Map<string, Entry>(
  [
    builtin("memory", ["memory"]),
    builtin("kafka", ["kafka"]),
    builtin("kafkajs", ["kafkajs"], ["kafka"]),
    builtin("rabbitmq", ["amqp", "amqps"]),
    builtin("sqs", ["sqs"]),
    builtin("pulsar", ["pulsar", "pulsar+ssl"]),
  ].map((e) => [e.name, e]),
);

/**
 * Adds or replaces a transport so it can be chosen by name or URL scheme: a third-party
 * transport, or one of ours already imported (then no lazy import happens).
 */
export function registerTransport(module: TransportModule, packageName = module.name): void {
  entries.set(module.name, {
    name: module.name,
    schemes: module.schemes,
    packageName,
    load: async () => module,
  });
}

/**
 * Makes a transport published as its own npm package selectable by name and URL scheme; it is
 * imported only when a producer picks it, like the built-in ones.
 */
export function registerTransportPackage(entry: {
  name: string;
  schemes: readonly string[];
  packageName: string;
}): void {
  entries.set(entry.name, { ...entry, load: () => importTransport(entry.packageName) });
}

/** Names that may appear as config sections (`{ kafka: {...} }`). */
export function transportNames(): ReadonlySet<string> {
  return new Set(entries.keys());
}

function entryForScheme(url: string): Entry {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!match) {
    throw new OutboundError(
      "INVALID_CONFIG",
      `url "${redactUrl(url)}" has no scheme; expected for example kafka://host:9092`,
    );
  }
  const scheme = match[1]!.toLowerCase();
  for (const entry of entries.values()) if (entry.schemes.includes(scheme)) return entry;
  throw new OutboundError(
    "UNKNOWN_TRANSPORT",
    `no transport for URL scheme "${scheme}://"; known schemes: ${[...entries.values()].flatMap((e) => e.schemes.map((s) => `${s}://`)).join(", ")}`,
  );
}

function entryForName(name: string): Entry {
  const entry = entries.get(name);
  if (!entry) {
    throw new OutboundError(
      "UNKNOWN_TRANSPORT",
      `unknown transport "${name}"; known transports: ${[...entries.keys()].join(", ")}`,
    );
  }
  return entry;
}

/** Resolves the transport a config names, without loading it (so config errors surface first). */
export function findTransport(by: { name?: string; url?: string }): {
  name: string;
  load: () => Promise<TransportModule>;
} {
  const entry = by.name ? entryForName(by.name) : entryForScheme(by.url ?? "");
  if (by.name && by.url) {
    const fromUrl = entryForScheme(by.url);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(by.url)![1]!.toLowerCase();
    if (fromUrl.name !== entry.name && !entry.alsoAccepts?.includes(scheme)) {
      throw new OutboundError(
        "INVALID_CONFIG",
        `transport "${by.name}" does not match the url scheme of "${redactUrl(by.url)}" (${fromUrl.name})`,
      );
    }
  }
  return { name: entry.name, load: entry.load };
}
