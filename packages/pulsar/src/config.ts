import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { TransportConfig } from "@outbound/core";
import { type BrokerAddress, parseBrokerUrl } from "./client/service-url.js";
import { pulsarError } from "./errors.js";
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

function invalid(message: string): never {
  throw pulsarError("INVALID_CONFIG", message);
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    invalid(`option "${name}" must be a positive integer, got ${String(value)}`);
  return value;
}

/** Applies defaults and validates; throws `INVALID_CONFIG` naming the offending option. */
export function resolvePulsarConfig(
  config: Pick<TransportConfig<PulsarTransportOptions | undefined>, "url" | "options">,
): ResolvedPulsarConfig {
  const options = config.options ?? {};
  const rawUrl = options.serviceUrl ?? config.url;
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
  const reconnectInitialMs = positiveInteger("reconnect.initialMs", options.reconnect?.initialMs, 100);
  return {
    serviceUrl,
    token: token === undefined ? undefined : typeof token === "function" ? token : () => token,
    tls: options.tls,
    producerName: options.producerName,
    accessMode,
    compression,
    properties,
    batchMaxRecords: positiveInteger("batchMaxRecords", options.batchMaxRecords, 1000),
    batchMaxBytes: positiveInteger("batchMaxBytes", options.batchMaxBytes, 128 * 1024),
    maxMessageBytes: positiveInteger("maxMessageBytes", options.maxMessageBytes, 5 * 1024 * 1024 - 16 * 1024),
    connectionTimeoutMs: positiveInteger("connectionTimeoutMs", options.connectionTimeoutMs, 10_000),
    operationTimeoutMs: positiveInteger("operationTimeoutMs", options.operationTimeoutMs, 30_000),
    keepAliveIntervalMs: positiveInteger("keepAliveIntervalMs", options.keepAliveIntervalMs, 30_000),
    reconnectInitialMs,
    reconnectMaxMs: Math.max(
      reconnectInitialMs,
      positiveInteger("reconnect.maxMs", options.reconnect?.maxMs, 5_000),
    ),
  };
}
