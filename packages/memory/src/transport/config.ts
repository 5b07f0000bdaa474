import { OutboundError } from "@outbound/core";
import { optionChecks } from "@outbound/core/transport";
import type { MemoryBrokerOptions } from "../broker/broker-options.js";
import type { MemoryBroker } from "../broker/memory-broker.js";

/** Options of {@link memoryTransport}; also what `createProducer({ memory: {...} })` takes. */
export interface MemoryTransportOptions extends MemoryBrokerOptions {
  /**
   * The broker to use: an instance, or the name of a process-wide broker (see
   * `getMemoryBroker`). Without it (and without a URL naming one), `memoryTransport()` gets a
   * private broker of its own, reachable as `transport.broker`.
   */
  broker?: MemoryBroker | string;
  /** Same as `defaultPartitions`; the URL spells it `?partitions=3`. */
  partitions?: number;
  /** `memory://name?partitions=3`: names a shared broker and sets its options. */
  url?: string;
}

/** What a `memory://` URL says. */
export interface ParsedMemoryUrl {
  /** Broker name; `undefined` for `memory://` without a name. */
  brokerName: string | undefined;
  options: MemoryBrokerOptions;
}

const INTEGER_PARAMS = {
  partitions: "defaultPartitions",
  defaultPartitions: "defaultPartitions",
  maxMessageBytes: "maxMessageBytes",
  maxBatchBytes: "maxBatchBytes",
  maxBatchRecords: "maxBatchRecords",
  dedupWindowMs: "dedupWindowMs",
  maxDelayMs: "maxDelayMs",
} as const satisfies Record<string, keyof MemoryBrokerOptions>;

function invalidUrl(message: string, field: string): OutboundError {
  return new OutboundError("INVALID_CONFIG", message, { transport: "memory", details: { field } });
}

/** Parses `memory://[name][?partitions=N&maxMessageBytes=N&...]`; throws `INVALID_CONFIG` naming the bad part. */
export function parseMemoryUrl(url: string): ParsedMemoryUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(`url is not a valid URL: ${JSON.stringify(url)}`, "url");
  }
  if (parsed.protocol !== "memory:") {
    throw invalidUrl(`url must use the memory:// scheme, got ${parsed.protocol}//`, "url");
  }
  if (parsed.pathname !== "" && parsed.pathname !== "/") {
    throw invalidUrl(`url has a path (${parsed.pathname}); a memory URL is memory://[name][?options]`, "url");
  }
  const options: MemoryBrokerOptions = {};
  for (const [param, raw] of parsed.searchParams) {
    if (param === "autoCreateTopics") {
      if (raw !== "true" && raw !== "false") {
        throw invalidUrl(
          `url parameter autoCreateTopics must be true or false, got ${JSON.stringify(raw)}`,
          param,
        );
      }
      options.autoCreateTopics = raw === "true";
      continue;
    }
    if (!(param in INTEGER_PARAMS)) {
      const known = ["autoCreateTopics", ...Object.keys(INTEGER_PARAMS)].join(", ");
      throw invalidUrl(`unknown url parameter ${JSON.stringify(param)}; known: ${known}`, param);
    }
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
      throw invalidUrl(
        `url parameter ${param} must be a non-negative integer, got ${JSON.stringify(raw)}`,
        param,
      );
    }
    options[INTEGER_PARAMS[param as keyof typeof INTEGER_PARAMS]] = value;
  }
  return { brokerName: parsed.hostname === "" ? undefined : decodeURIComponent(parsed.hostname), options };
}

/** Every key of `MemoryTransportOptions`: any other is refused, with the closest of these suggested. */
const OPTION_NAMES = [
  "broker",
  "partitions",
  "url",
  "defaultPartitions",
  "autoCreateTopics",
  "maxMessageBytes",
  "maxBatchBytes",
  "maxBatchRecords",
  "dedupWindowMs",
  "maxDelayMs",
  "now",
] as const satisfies readonly (keyof MemoryTransportOptions)[];

/**
 * The broker options among a transport's options (URL values first, explicit options over them).
 * An unknown key is refused, so `memory: { maxMesageBytes }` does not silently keep the default.
 */
export function brokerOptionsOf(
  options: MemoryTransportOptions,
  fromUrl: MemoryBrokerOptions,
): MemoryBrokerOptions {
  const {
    broker: _broker,
    url: _url,
    partitions,
    ...rest
  } = optionChecks("memory").section(options, OPTION_NAMES);
  const merged: MemoryBrokerOptions = { ...fromUrl, ...rest };
  if (partitions !== undefined) merged.defaultPartitions = partitions;
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

/** `createProducer({ memory: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    memory: MemoryTransportOptions;
  }
}
