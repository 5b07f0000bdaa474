import type { OutboundError } from "@outbound/core";
import { type OptionChecks, optionChecks, type TransportContext } from "@outbound/core/transport";
import {
  COMMON_OPTION_NAMES,
  KAFKA_DEFAULTS,
  type KafkaCommonOptions,
  type KafkaCompression,
  type KafkaSaslOptions,
  RECORD_FRAMING_RESERVE_BYTES,
  RENAMED_COMMON_OPTIONS,
  type ResolvedKafkaCommonOptions,
  SASL_MECHANISMS,
} from "./options.js";
import { parseKafkaUrl } from "./url.js";

/** What differs between the two Kafka transports when their options are resolved. */
export interface KafkaOptionsSpec {
  /** The transport's name, on every error. */
  transport: string;
  /** The codecs its client can write. */
  compressions: readonly KafkaCompression[];
  /** `idempotent` when the user does not say. */
  defaultIdempotent: boolean;
  /** Options the transport accepts beyond the common ones. */
  extraOptionNames: readonly string[];
  /** URL schemes it accepts (`kafka`, and `kafkajs` for the kafkajs transport). */
  schemes: readonly string[];
  /** Its own options' former names, beside {@link RENAMED_COMMON_OPTIONS}. */
  renamedOptions?: Readonly<Record<string, string>>;
}

/**
 * Where the options came from, besides the section itself: the producer's `url`, its `clientId`
 * (the default for the transport's), its `requestTimeoutMs` (the default bound of the
 * transport's own requests) and its `acks` (the Kafka transport's idempotence default).
 */
export type KafkaOptionsContext = TransportContext;

/** An `INVALID_CONFIG` error for a Kafka transport's options. */
export function invalidKafkaOption(transport: string, message: string): OutboundError {
  return optionChecks(transport).invalid(message);
}

/**
 * Validates the options both Kafka transports share and fills their defaults. `url` options are
 * the base; explicit options win over them. Unknown keys are refused with the closest valid name.
 * Returns the resolved common options and the merged input, from which the transport reads its
 * own extra options.
 */
export function resolveKafkaCommonOptions(
  options: unknown,
  context: KafkaOptionsContext,
  spec: KafkaOptionsSpec,
): { common: ResolvedKafkaCommonOptions; merged: Record<string, unknown> } {
  const check = optionChecks(spec.transport);
  const invalid = check.invalid;
  const section = check.section(
    check.renamed(options as object | undefined, { ...RENAMED_COMMON_OPTIONS, ...spec.renamedOptions }),
    [...COMMON_OPTION_NAMES, ...spec.extraOptionNames],
    "kafka",
  );
  const fromUrl = context.url ? parseKafkaUrl(context.url, spec.schemes, spec.transport) : {};
  const merged: Record<string, unknown> = { ...fromUrl, ...section };
  const input = merged as KafkaCommonOptions;

  const brokersInput = input.brokers;
  if (!Array.isArray(brokersInput) || brokersInput.length === 0) {
    throw invalid('option "brokers" is required: a list of "host:port" (or give a kafka:// URL)');
  }
  const brokers = brokersInput.map((address) => checkBrokerAddress(address, spec.transport));

  const compression = check.oneOf(lowerCased(input.compression), "compression", spec.compressions) ?? "none";
  const idempotent = input.idempotent ?? (input.transactionalId !== undefined || spec.defaultIdempotent);
  if (typeof idempotent !== "boolean") throw invalid('option "idempotent" must be a boolean');
  if (!idempotent && input.transactionalId !== undefined) {
    throw invalid('option "transactionalId" needs the idempotent producer; remove "idempotent: false"');
  }
  if (
    input.ssl !== undefined &&
    typeof input.ssl !== "boolean" &&
    (typeof input.ssl !== "object" || input.ssl === null)
  ) {
    throw invalid('option "ssl" must be a boolean or Node TLS options');
  }
  const transactionalId = input.transactionalId;
  if (transactionalId !== undefined && (typeof transactionalId !== "string" || transactionalId === "")) {
    throw invalid('option "transactionalId" must be a non-empty string');
  }
  const clientId = input.clientId ?? context.clientId ?? KAFKA_DEFAULTS.clientId;
  if (typeof clientId !== "string" || clientId === "")
    throw invalid('option "clientId" must be a non-empty string');

  const maxMessageBytes =
    check.positiveInteger(input.maxMessageBytes, "maxMessageBytes") ?? KAFKA_DEFAULTS.maxMessageBytes;
  if (maxMessageBytes <= RECORD_FRAMING_RESERVE_BYTES) {
    throw invalid(
      `option "maxMessageBytes" must be more than ${RECORD_FRAMING_RESERVE_BYTES}, got ${maxMessageBytes}`,
    );
  }
  const maxBatchBytes =
    check.positiveInteger(input.maxBatchBytes, "maxBatchBytes") ?? Math.floor(maxMessageBytes / 2);
  if (maxBatchBytes > maxMessageBytes) {
    // Kafka checks message.max.bytes against the whole record batch, so a bigger batch is refused.
    throw invalid(
      `option "maxBatchBytes" (${maxBatchBytes}) must not exceed "maxMessageBytes" (${maxMessageBytes})`,
    );
  }
  const allowAutoTopicCreation = input.allowAutoTopicCreation ?? true;
  if (typeof allowAutoTopicCreation !== "boolean")
    throw invalid('option "allowAutoTopicCreation" must be a boolean');

  const common: ResolvedKafkaCommonOptions = {
    brokers,
    clientId,
    ssl: input.ssl,
    sasl: resolveSasl(input.sasl, invalid, check),
    idempotent,
    compression,
    connectionTimeoutMs:
      check.positiveInteger(input.connectionTimeoutMs, "connectionTimeoutMs") ??
      KAFKA_DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs:
      check.positiveInteger(input.requestTimeoutMs, "requestTimeoutMs") ??
      context.requestTimeoutMs ??
      KAFKA_DEFAULTS.requestTimeoutMs,
    authenticationTimeoutMs:
      check.positiveInteger(input.authenticationTimeoutMs, "authenticationTimeoutMs") ??
      KAFKA_DEFAULTS.authenticationTimeoutMs,
    maxMessageBytes,
    maxBatchBytes,
    allowAutoTopicCreation,
    metadataMaxAgeMs:
      check.positiveInteger(input.metadataMaxAgeMs, "metadataMaxAgeMs") ?? KAFKA_DEFAULTS.metadataMaxAgeMs,
    transactionalId,
  };
  return { common, merged };
}

/** Validators whose errors name the option and carry the transport's name. */
/** Kafka's names (compression codecs, SASL mechanisms) are matched case-insensitively, as Java's are. */
function lowerCased(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

/**
 * A `host:port` with a port that can be dialled: 1-65535. Port 0 is refused here rather than
 * after minutes of failed connects.
 */
export function checkBrokerAddress(address: unknown, transport: string): string {
  const match = typeof address === "string" ? /^([^\s:,/]+):(\d{1,5})$/.exec(address.trim()) : null;
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65_535) {
    throw invalidKafkaOption(
      transport,
      `broker address must be "host:port" with a port from 1 to 65535, got ${JSON.stringify(address)}`,
    );
  }
  return `${match[1]}:${port}`;
}

function resolveSasl(
  sasl: unknown,
  invalid: (message: string) => OutboundError,
  check: OptionChecks,
): KafkaSaslOptions | undefined {
  if (sasl === undefined) return undefined;
  if (typeof sasl !== "object" || sasl === null) throw invalid('option "sasl" must be an object');
  const given = sasl as Record<string, unknown>;
  const mechanism = check.oneOf(lowerCased(given.mechanism), "sasl.mechanism", SASL_MECHANISMS);
  if (!mechanism) throw invalid('option "sasl.mechanism" is required');
  if (mechanism === "oauthbearer") {
    const token = given.token;
    if (typeof token === "string" && token !== "")
      return { mechanism, token: () => token, ...extensionsOf(given, invalid) };
    if (typeof token !== "function") {
      throw invalid('option "sasl.token" is required for oauthbearer: a function returning the bearer token');
    }
    return { mechanism, token: token as () => string | Promise<string>, ...extensionsOf(given, invalid) };
  }
  const { username, password } = given;
  if (typeof username !== "string" || username === "") throw invalid('option "sasl.username" is required');
  // The password's value is never echoed, only its absence.
  if (typeof password !== "string" || password === "") throw invalid('option "sasl.password" is required');
  return { mechanism, username, password };
}

function extensionsOf(
  given: Record<string, unknown>,
  invalid: (message: string) => OutboundError,
): { extensions?: Record<string, string> } {
  const extensions = given.extensions;
  if (extensions === undefined) return {};
  if (
    typeof extensions !== "object" ||
    extensions === null ||
    Object.values(extensions).some((value) => typeof value !== "string")
  ) {
    throw invalid('option "sasl.extensions" must be an object of strings');
  }
  return { extensions: extensions as Record<string, string> };
}
