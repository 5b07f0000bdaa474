import type { ConnectionOptions } from "node:tls";

/** SASL mechanisms both Kafka transports configure on their client. */
export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512", "oauthbearer"] as const;
export type KafkaSaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Kafka's record batch codecs; a transport accepts the subset its client can write. */
export const COMPRESSIONS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type KafkaCompression = (typeof COMPRESSIONS)[number];

/** SASL with a user name and a password: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
export interface KafkaPasswordSaslOptions {
  mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  username: string;
  /** Never logged, printed or put into an error. */
  password: string;
}

/**
 * SASL/OAUTHBEARER (KIP-255): `token` is called for every new broker connection and returns the
 * bearer token, so a token that expires is fetched again by the next connection.
 */
export interface KafkaOAuthBearerSaslOptions {
  mechanism: "oauthbearer";
  token: () => string | Promise<string>;
  /** SASL extensions sent with the token (KIP-342), e.g. a logical cluster id. */
  extensions?: Record<string, string>;
}

export type KafkaSaslOptions = KafkaPasswordSaslOptions | KafkaOAuthBearerSaslOptions;

/** Options both Kafka transports accept, in the `kafka: {...}` section of the producer config. */
export interface KafkaCommonOptions {
  /** Bootstrap brokers as `host:port`. Taken from a `kafka://` URL when given there. */
  brokers?: readonly string[];
  /** Client id sent to the broker; the producer's `clientId` when not set. */
  clientId?: string;
  /** `true` for TLS with Node's defaults, or Node TLS options (ca, cert, key, servername...). */
  ssl?: boolean | ConnectionOptions;
  sasl?: KafkaSaslOptions;
  /**
   * Kafka's idempotent producer: the broker drops duplicates of a retried batch. It requires
   * acks `all`.
   */
  idempotent?: boolean;
  compression?: KafkaCompression;
  /** Milliseconds to open a TCP (and TLS) connection. Default 3000. */
  connectionTimeoutMs?: number;
  /**
   * Milliseconds to wait for any broker response before the connection is given up: metadata,
   * producer ids, the transaction coordinator. Default: the producer's `requestTimeoutMs`
   * (30000 unless set), which also bounds every Produce request; set this only to give the
   * transport's own requests a different bound.
   */
  requestTimeoutMs?: number;
  /** Milliseconds the SASL handshake may take. Default 10000. */
  authenticationTimeoutMs?: number;
  /** @deprecated The former name of `connectionTimeoutMs`; still read. */
  connectionTimeout?: number;
  /** @deprecated The former name of `requestTimeoutMs`; still read. */
  requestTimeout?: number;
  /** @deprecated The former name of `authenticationTimeoutMs`; still read. */
  authenticationTimeout?: number;
  /** @deprecated The former name of `metadataMaxAgeMs`; still read. */
  metadataMaxAge?: number;
  /**
   * The broker's `message.max.bytes` (or the topic's `max.message.bytes`), which Kafka checks
   * against a whole record batch. Default 1048588, Kafka's default. The transport reports a
   * per-message limit a little lower, keeping room for the batch and record framing.
   */
  maxMessageBytes?: number;
  /**
   * Most key + value + header bytes the engine puts in one batch for a partition. Default half
   * of `maxMessageBytes`, leaving the other half for per-record framing. A batch the broker
   * still finds too large is split, never failed as a whole.
   */
  maxBatchBytes?: number;
  /**
   * Ask the broker to create a topic that does not exist on first use (the broker decides, with
   * `auto.create.topics.enable`). Default true, as in the Java producer.
   */
  allowAutoTopicCreation?: boolean;
  /** Milliseconds after which cached cluster metadata is refreshed. Default 300000. */
  metadataMaxAgeMs?: number;
  /**
   * Kafka's transactional id. Set it to use `producer.transaction(work)`; it implies
   * `idempotent`. Every producer instance needs its own id (a second one with the same id fences
   * the first).
   */
  transactionalId?: string;
}

/** The common options after defaults and validation. */
export interface ResolvedKafkaCommonOptions {
  brokers: string[];
  clientId: string;
  ssl: boolean | ConnectionOptions | undefined;
  sasl: KafkaSaslOptions | undefined;
  idempotent: boolean;
  compression: KafkaCompression;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  authenticationTimeoutMs: number;
  maxMessageBytes: number;
  maxBatchBytes: number;
  allowAutoTopicCreation: boolean;
  metadataMaxAgeMs: number;
  transactionalId: string | undefined;
}

/** The option names of {@link KafkaCommonOptions}, for unknown-key checks. */
export const COMMON_OPTION_NAMES: readonly (keyof KafkaCommonOptions)[] = [
  "brokers",
  "clientId",
  "ssl",
  "sasl",
  "idempotent",
  "compression",
  "connectionTimeoutMs",
  "requestTimeoutMs",
  "authenticationTimeoutMs",
  "maxMessageBytes",
  "maxBatchBytes",
  "allowAutoTopicCreation",
  "metadataMaxAgeMs",
  "transactionalId",
];

/**
 * Options renamed to end in `Ms`, as every duration in Outbound does, by their former names.
 * A section written with the former name still works; see `OptionChecks.renamed`.
 */
export const RENAMED_COMMON_OPTIONS: Readonly<Record<string, keyof KafkaCommonOptions>> = {
  connectionTimeout: "connectionTimeoutMs",
  requestTimeout: "requestTimeoutMs",
  authenticationTimeout: "authenticationTimeoutMs",
  metadataMaxAge: "metadataMaxAgeMs",
};

/** Kafka's default `message.max.bytes`: 1 MiB plus the 12-byte log overhead of old formats. */
export const KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
/**
 * Bytes of a one-record batch that are not key, value or header bytes: the v2 batch header
 * (61 B), the record's own framing (at most 21 B) and the length prefixes of a few dozen headers.
 */
export const RECORD_FRAMING_RESERVE_BYTES = 256;

export const KAFKA_DEFAULTS = {
  clientId: "outbound",
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 30_000,
  authenticationTimeoutMs: 10_000,
  maxMessageBytes: KAFKA_DEFAULT_MESSAGE_MAX_BYTES,
  metadataMaxAgeMs: 300_000,
} as const;
