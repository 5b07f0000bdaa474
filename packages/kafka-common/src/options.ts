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
  connectionTimeout?: number;
  /** Milliseconds to wait for any broker response. Default 30000. */
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
  metadataMaxAge?: number;
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
  connectionTimeout: number;
  requestTimeout: number;
  authenticationTimeout: number;
  maxMessageBytes: number;
  maxBatchBytes: number;
  allowAutoTopicCreation: boolean;
  metadataMaxAge: number;
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
  "connectionTimeout",
  "requestTimeout",
  "authenticationTimeout",
  "maxMessageBytes",
  "maxBatchBytes",
  "allowAutoTopicCreation",
  "metadataMaxAge",
  "transactionalId",
];

/** Kafka's default `message.max.bytes`: 1 MiB plus the 12-byte log overhead of old formats. */
export const KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
/**
 * Bytes of a one-record batch that are not key, value or header bytes: the v2 batch header
 * (61 B), the record's own framing (at most 21 B) and the length prefixes of a few dozen headers.
 */
export const RECORD_FRAMING_RESERVE_BYTES = 256;

export const KAFKA_DEFAULTS = {
  clientId: "outbound",
  connectionTimeout: 3000,
  requestTimeout: 30_000,
  authenticationTimeout: 10_000,
  maxMessageBytes: KAFKA_DEFAULT_MESSAGE_MAX_BYTES,
  metadataMaxAge: 300_000,
} as const;
