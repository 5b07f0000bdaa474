import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { TransportConfig } from "@outbound/core";
import { optionChecks, type TransportContext } from "@outbound/core/transport";
import { type BrokerAddress, parseBrokerUrl } from "./client/service-url.js";
import { type CompressionCodec, loadLz4, type ProducerAccessModeName } from "./protocol/index.js";

/** Options of the Pulsar transport, given under `pulsar: {...}` in the producer config. */
export interface PulsarTransportOptions {
  /** `pulsar://host:6650` or `pulsar+ssl://host:6651`. Defaults to the producer's `url`. */
  serviceUrl?: string;
  /** Token authentication (`auth_method_name: "token"`): the JWT, or a function returning it. */
  token?: string | (() => string | Promise<string>);
  /** TLS settings for `pulsar+ssl://` (CA, client certificate, `rejectUnauthorized`, ...). */
  tls?: TlsOptions;
  /** Fixed producer name. Without it the broker assigns one per producer. */
  producerName?: string;
  /** Producer access mode; `WaitForExclusive` waits (PRODUCER_SUCCESS with `producer_ready=false`). */
  accessMode?: ProducerAccessModeName;
  /** Batch compression: `"none"` (default), `"lz4"` (needs the lz4-napi addon) or `"zlib"`. */
  compression?: CompressionCodec;
  /** Producer properties sent in the PRODUCER command (shown in topic stats). */
  properties?: Record<string, string>;
  /** Most messages per SEND. Default 1000, the Java client's `batchingMaxMessages`. */
  batchMaxRecords?: number;
  /** Most bytes per SEND. Default 128 KiB, the Java client's `batchingMaxBytes`. */
  batchMaxBytes?: number;
  /** Largest single message the engine lets through. Default 5 MiB less room for metadata. */
  maxMessageBytes?: number;
  /** Socket connect + CONNECT/CONNECTED deadline. Default 10 s. */
  connectionTimeoutMs?: number;
  /** Deadline for lookups and producer creation. Default 30 s. */
  operationTimeoutMs?: number;
  /** PING interval; a connection silent for two intervals is dropped. Default 30 s. */
  keepAliveIntervalMs?: number;
  /** Backoff between reconnect attempts. Default 100 ms doubling to 5 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
}

/** Options after defaults and validation. */
export interface ResolvedPulsarConfig {
  serviceUrl: BrokerAddress;
  token: (() => string | Promise<string>) | undefined;
  tls: TlsOptions | undefined;
  producerName: string | undefined;
  accessMode: ProducerAccessModeName;
  compression: CompressionCodec;
  properties: Record<string, string>;
  batchMaxRecords: number;
  batchMaxBytes: number;
  maxMessageBytes: number;
  connectionTimeoutMs: number;
  operationTimeoutMs: number;
  keepAliveIntervalMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
}

const ACCESS_MODES: readonly ProducerAccessModeName[] = [
  "Shared",
  "Exclusive",
  "WaitForExclusive",
  "ExclusiveWithFencing",
];
const CODECS: readonly CompressionCodec[] = ["none", "lz4", "zlib"];

const check = optionChecks("pulsar");

function invalid(message: string): never {
  throw check.invalid(message);
}

/** Every key of `PulsarTransportOptions`: any other is refused, with the closest of these suggested. */
const OPTION_NAMES = [
  "serviceUrl",
  "token",
  "tls",
  "producerName",
  "accessMode",
  "compression",
  "properties",
  "batchMaxRecords",
  "batchMaxBytes",
  "maxMessageBytes",
  "connectionTimeoutMs",
  "operationTimeoutMs",
  "keepAliveIntervalMs",
  "reconnect",
] as const satisfies readonly (keyof PulsarTransportOptions)[];

/**
 * Applies defaults and validates; throws `INVALID_CONFIG` naming the offending option.
 * `serviceUrl` wins over the producer's `url`; lookups and other operations are bounded by the
 * producer's `requestTimeoutMs` unless `operationTimeoutMs` is given.
 */
export function resolvePulsarOptions(
  section: PulsarTransportOptions | undefined,
  context: TransportContext = {},
): ResolvedPulsarConfig {
  const options = check.section(section, OPTION_NAMES);
  const reconnect = check.section(options.reconnect, ["initialMs", "maxMs"], "pulsar.reconnect");
  const rawUrl = options.serviceUrl ?? context.url;
  if (!rawUrl) invalid('set "serviceUrl" (pulsar://host:6650) or the producer\'s "url"');
  let serviceUrl: BrokerAddress;
  try {
    serviceUrl = parseBrokerUrl(rawUrl);
  } catch (error) {
    invalid(`option "serviceUrl": ${(error as Error).message}`);
  }
  const { token } = options;
  if (token !== undefined && typeof token !== "function" && (typeof token !== "string" || token === "")) {
    invalid('option "token" must be a non-empty string or a function returning one');
  }
  const accessMode = options.accessMode ?? "Shared";
  if (!ACCESS_MODES.includes(accessMode))
    invalid(`option "accessMode" must be one of ${ACCESS_MODES.join(", ")}`);
  const compression = options.compression ?? "none";
  if (!CODECS.includes(compression)) invalid(`option "compression" must be one of ${CODECS.join(", ")}`);
  if (compression === "lz4") {
    try {
      loadLz4();
    } catch (error) {
      invalid(
        `option "compression": "lz4" needs lz4-napi, which did not load here: ${(error as Error).message}`,
      );
    }
  }
  if (
    options.producerName !== undefined &&
    (typeof options.producerName !== "string" || options.producerName === "")
  ) {
    invalid('option "producerName" must be a non-empty string');
  }
  const properties = options.properties ?? {};
  for (const [key, value] of Object.entries(properties)) {
    if (typeof value !== "string") invalid(`option "properties.${key}" must be a string`);
  }
  const reconnectInitialMs = check.positiveInteger(reconnect.initialMs, "reconnect.initialMs") ?? 100;
  return {
    serviceUrl,
    token: token === undefined ? undefined : typeof token === "function" ? token : () => token,
    tls: options.tls,
    producerName: options.producerName,
    accessMode,
    compression,
    properties,
    batchMaxRecords: check.positiveInteger(options.batchMaxRecords, "batchMaxRecords") ?? 1000,
    batchMaxBytes: check.positiveInteger(options.batchMaxBytes, "batchMaxBytes") ?? 128 * 1024,
    maxMessageBytes:
      check.positiveInteger(options.maxMessageBytes, "maxMessageBytes") ?? 5 * 1024 * 1024 - 16 * 1024,
    connectionTimeoutMs: check.positiveInteger(options.connectionTimeoutMs, "connectionTimeoutMs") ?? 10_000,
    operationTimeoutMs:
      check.positiveInteger(options.operationTimeoutMs, "operationTimeoutMs") ??
      context.requestTimeoutMs ??
      30_000,
    keepAliveIntervalMs: check.positiveInteger(options.keepAliveIntervalMs, "keepAliveIntervalMs") ?? 30_000,
    reconnectInitialMs,
    reconnectMaxMs: Math.max(
      reconnectInitialMs,
      check.positiveInteger(reconnect.maxMs, "reconnect.maxMs") ?? 5_000,
    ),
  };
}

/** @deprecated The former name of {@link resolvePulsarOptions}, taking `{ url, options }`. */
export function resolvePulsarConfig(
  config: Pick<TransportConfig<PulsarTransportOptions | undefined>, "url" | "options">,
): ResolvedPulsarConfig {
  return resolvePulsarOptions(config.options, { url: config.url });
}

/** `createProducer({ pulsar: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    pulsar: PulsarTransportOptions;
  }
}
