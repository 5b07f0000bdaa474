import type { ConnectionOptions } from "node:tls";
import { OutboundError } from "@outbound/core";
import type { ISocketFactory } from "kafkajs";

/** SASL mechanisms the transport configures on kafkajs. */
export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;
export type KafkaSaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Record batch compression; lz4 and zstd use native codecs registered with kafkajs on first use. */
export const COMPRESSIONS = ["none", "gzip", "lz4", "zstd"] as const;
export type KafkaCompression = (typeof COMPRESSIONS)[number];

export interface KafkaSaslOptions {
  mechanism: KafkaSaslMechanism;
  username: string;
  /** Never logged, printed or put into an error. */
  password: string;
}

/** Options of the Kafka transport: the `kafka: {...}` section of the producer config. */
export interface KafkaTransportOptions {
  /** Bootstrap brokers as `host:port`. Taken from a `kafka://` URL when given there. */
  brokers?: string[];
  /** Client id sent to the broker; the producer's `clientId` when not set. */
  clientId?: string;
  /** `true` for TLS with Node's defaults, or Node TLS options (ca, cert, key, servername...). */
  ssl?: boolean | ConnectionOptions;
  sasl?: KafkaSaslOptions;
  /**
   * Kafka's idempotent producer: the broker drops duplicates of a retried batch. It requires
   * acks `all` and one request in flight per broker connection.
   */
  idempotent?: boolean;
  /** Requests kafkajs may have in flight per broker connection. Must be 1 with `idempotent`. */
  maxInFlightRequests?: number;
  compression?: KafkaCompression;
  /** Milliseconds to open a TCP (and TLS) connection. Default 3000. */
  connectionTimeout?: number;
  /** Milliseconds kafkajs waits for any broker response. Default 30000. */
  requestTimeout?: number;
  /** Milliseconds the SASL handshake may take. Default 10000. */
  authenticationTimeout?: number;
  /**
   * The broker's `message.max.bytes` (or the topic's `max.message.bytes`), which Kafka checks
   * against a whole record batch. Default 1048588, Kafka's default. The transport reports a
   * per-message limit a little lower, keeping room for the batch and record framing.
   */
  maxMessageBytes?: number;
  /**
   * Most key + value + header bytes the engine puts in one produce request for a partition.
   * Default half of `maxMessageBytes`, leaving the other half for per-record framing. A batch the
   * broker still finds too large is split, never failed as a whole.
   */
  maxBatchBytes?: number;
  /**
   * Ask the broker to create a topic that does not exist on first use (the broker decides, with
   * `auto.create.topics.enable`). Default true, as in the Java producer.
   */
  allowAutoTopicCreation?: boolean;
  /** Milliseconds between metadata refreshes inside kafkajs. Default 300000. */
  metadataMaxAge?: number;
  /**
   * Kafka's transactional id. Set it to use `transport.transaction()`; it implies `idempotent`.
   * Every producer instance needs its own id (a second one with the same id fences the first).
   */
  transactionalId?: string;
  /**
   * Advanced: kafkajs's socket factory, to dial brokers through a proxy (SOCKS, a fault-injection
   * proxy in tests). Every broker connection, including those to advertised addresses, uses it.
   */
  socketFactory?: ISocketFactory;
}

/** The options after defaults and validation. */
export interface ResolvedKafkaOptions {
  brokers: string[];
  clientId: string;
  ssl: boolean | ConnectionOptions | undefined;
  sasl: KafkaSaslOptions | undefined;
  idempotent: boolean;
  maxInFlightRequests: number | undefined;
  compression: KafkaCompression;
  connectionTimeout: number;
  requestTimeout: number;
  authenticationTimeout: number;
  maxMessageBytes: number;
  maxBatchBytes: number;
  allowAutoTopicCreation: boolean;
  metadataMaxAge: number;
  transactionalId: string | undefined;
  socketFactory: ISocketFactory | undefined;
}

/** Kafka's default `message.max.bytes`: 1 MiB plus the 12-byte log overhead of old formats. */
export const KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
/**
 * Bytes of a one-record batch that are not key, value or header bytes: the v2 batch header
 * (61 B), the record's own framing (at most 21 B) and the length prefixes of a few dozen headers.
 */
export const RECORD_FRAMING_RESERVE_BYTES = 256;

const DEFAULTS = {
  clientId: "outbound",
  connectionTimeout: 3000,
  requestTimeout: 30_000,
  authenticationTimeout: 10_000,
  maxMessageBytes: KAFKA_DEFAULT_MESSAGE_MAX_BYTES,
  metadataMaxAge: 300_000,
} as const;

function invalid(message: string): OutboundError {
  return new OutboundError("INVALID_CONFIG", message, { transport: "kafka" });
}

function positiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw invalid(`option "${name}" must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value.toLowerCase())) {
    throw invalid(`option "${name}" must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase() as T;
}

function checkBroker(address: unknown): string {
  if (typeof address !== "string" || !/^[^\s:,/]+:\d{1,5}$/.test(address.trim())) {
    throw invalid(`broker address must be "host:port", got ${JSON.stringify(address)}`);
  }
  return address.trim();
}

function resolveSasl(sasl: unknown): KafkaSaslOptions | undefined {
  if (sasl === undefined) return undefined;
  if (typeof sasl !== "object" || sasl === null) throw invalid('option "sasl" must be an object');
  const { mechanism, username, password } = sasl as Record<string, unknown>;
  const resolvedMechanism = oneOf(mechanism, SASL_MECHANISMS, "sasl.mechanism");
  if (!resolvedMechanism) throw invalid('option "sasl.mechanism" is required');
  if (typeof username !== "string" || username === "") throw invalid('option "sasl.username" is required');
  // The password's value is never echoed, only its absence.
  if (typeof password !== "string" || password === "") throw invalid('option "sasl.password" is required');
  return { mechanism: resolvedMechanism, username, password };
}

/**
 * Parses `kafka://[user:password@]host:port[,host:port][?sasl=scram-sha-256&ssl=true&compression=lz4]`.
 * Userinfo and the `sasl` parameter become SASL options (PLAIN when no mechanism is named).
 */
export function parseKafkaUrl(url: string): KafkaTransportOptions {
  const match = /^kafka:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!match) throw invalid(`URL must look like kafka://host:port[,host:port], got "${redactUrl(url)}"`);
  const [, userinfo, hosts = "", query] = match;
  const options: KafkaTransportOptions = { brokers: hosts.split(",").map(checkBroker) };
  const params = new URLSearchParams(query ?? "");
  if (userinfo) {
    const [username = "", password = ""] = userinfo.split(":").map(decodeURIComponent);
    options.sasl = {
      mechanism: (params.get("sasl") ?? "plain") as KafkaSaslMechanism,
      username,
      password,
    };
  } else if (params.has("sasl")) {
    throw invalid("URL names a SASL mechanism but carries no user:password");
  }
  const ssl = params.get("ssl") ?? params.get("tls");
  if (ssl !== null) options.ssl = ssl === "true" || ssl === "1";
  const compression = params.get("compression");
  if (compression !== null) options.compression = compression as KafkaCompression;
  const idempotent = params.get("idempotent");
  if (idempotent !== null) options.idempotent = idempotent === "true" || idempotent === "1";
  const clientId = params.get("clientId");
  if (clientId !== null) options.clientId = clientId;
  return options;
}

/** The URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * Validates options and fills defaults. Throws `INVALID_CONFIG` naming the option at fault.
 * `url` options are the base; explicit `options` win over them.
 */
export function resolveKafkaOptions(
  options: KafkaTransportOptions | undefined,
  context: { url?: string; clientId?: string } = {},
): ResolvedKafkaOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw invalid("options must be an object");
  }
  const fromUrl = context.url ? parseKafkaUrl(context.url) : {};
  const merged: KafkaTransportOptions = { ...fromUrl, ...options };

  const brokersInput = merged.brokers;
  if (!Array.isArray(brokersInput) || brokersInput.length === 0) {
    throw invalid('option "brokers" is required: a list of "host:port" (or give a kafka:// URL)');
  }
  const brokers = brokersInput.map(checkBroker);

  const compression = oneOf(merged.compression, COMPRESSIONS, "compression") ?? "none";
  const idempotent = merged.idempotent ?? merged.transactionalId !== undefined;
  if (typeof idempotent !== "boolean") throw invalid('option "idempotent" must be a boolean');
  if (!idempotent && merged.transactionalId !== undefined) {
    throw invalid('option "transactionalId" needs the idempotent producer; remove "idempotent: false"');
  }
  const maxInFlightRequests = positiveInteger(merged.maxInFlightRequests, "maxInFlightRequests");
  if (idempotent && maxInFlightRequests !== undefined && maxInFlightRequests !== 1) {
    throw invalid(
      `option "idempotent" needs "maxInFlightRequests" 1 (kafkajs keeps sequence numbers per connection), got ${maxInFlightRequests}`,
    );
  }
  if (merged.socketFactory !== undefined && typeof merged.socketFactory !== "function") {
    throw invalid('option "socketFactory" must be a function');
  }
  if (merged.ssl !== undefined && typeof merged.ssl !== "boolean" && typeof merged.ssl !== "object") {
    throw invalid('option "ssl" must be a boolean or Node TLS options');
  }
  const transactionalId = merged.transactionalId;
  if (transactionalId !== undefined && (typeof transactionalId !== "string" || transactionalId === "")) {
    throw invalid('option "transactionalId" must be a non-empty string');
  }
  const clientId = merged.clientId ?? context.clientId ?? DEFAULTS.clientId;
  if (typeof clientId !== "string" || clientId === "")
    throw invalid('option "clientId" must be a non-empty string');

  const maxMessageBytes =
    positiveInteger(merged.maxMessageBytes, "maxMessageBytes") ?? DEFAULTS.maxMessageBytes;
  if (maxMessageBytes <= RECORD_FRAMING_RESERVE_BYTES) {
    throw invalid(
      `option "maxMessageBytes" must be more than ${RECORD_FRAMING_RESERVE_BYTES}, got ${maxMessageBytes}`,
    );
  }
  const maxBatchBytes =
    positiveInteger(merged.maxBatchBytes, "maxBatchBytes") ?? Math.floor(maxMessageBytes / 2);
  if (maxBatchBytes > maxMessageBytes) {
    // Kafka checks message.max.bytes against the whole record batch, so a bigger batch is refused.
    throw invalid(
      `option "maxBatchBytes" (${maxBatchBytes}) must not exceed "maxMessageBytes" (${maxMessageBytes})`,
    );
  }
  const allowAutoTopicCreation = merged.allowAutoTopicCreation ?? true;
  if (typeof allowAutoTopicCreation !== "boolean")
    throw invalid('option "allowAutoTopicCreation" must be a boolean');

  return {
    brokers,
    clientId,
    ssl: merged.ssl,
    sasl: resolveSasl(merged.sasl),
    idempotent,
    maxInFlightRequests: idempotent ? 1 : maxInFlightRequests,
    compression,
    connectionTimeout:
      positiveInteger(merged.connectionTimeout, "connectionTimeout") ?? DEFAULTS.connectionTimeout,
    requestTimeout: positiveInteger(merged.requestTimeout, "requestTimeout") ?? DEFAULTS.requestTimeout,
    authenticationTimeout:
      positiveInteger(merged.authenticationTimeout, "authenticationTimeout") ??
      DEFAULTS.authenticationTimeout,
    maxMessageBytes,
    maxBatchBytes,
    allowAutoTopicCreation,
    metadataMaxAge: positiveInteger(merged.metadataMaxAge, "metadataMaxAge") ?? DEFAULTS.metadataMaxAge,
    transactionalId,
    socketFactory: merged.socketFactory,
  };
}

const SECRET_TLS_KEYS = new Set(["key", "pfx", "passphrase", "cert"]);

/**
 * A printable copy of the options: the SASL password and TLS private material are replaced by
 * `***`, so it can go into a log line or an error's details.
 */
export function redactKafkaOptions(
  options: ResolvedKafkaOptions | KafkaTransportOptions,
): Record<string, unknown> {
  const printable: Record<string, unknown> = { ...options };
  if (options.sasl) printable.sasl = { ...options.sasl, password: "***" };
  if (options.ssl && typeof options.ssl === "object") {
    const ssl: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options.ssl))
      ssl[key] = SECRET_TLS_KEYS.has(key) ? "***" : value;
    printable.ssl = ssl;
  }
  return printable;
}

/** One line for logs: brokers, TLS and SASL user, never the password. */
export function describeKafkaOptions(options: ResolvedKafkaOptions): string {
  const security = [
    options.ssl ? "tls" : undefined,
    options.sasl ? `sasl ${options.sasl.mechanism} as ${options.sasl.username}` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return `kafka://${options.brokers.join(",")}${security ? ` (${security})` : ""}`;
}
