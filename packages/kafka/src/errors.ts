import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";

/**
 * Where the error happened. It decides the kind of an ambiguous network failure: before a
 * produce request is written a retry is safe (`retriable`); once it may have been written the
 * broker may hold the records (`unknown-outcome`).
 */
export type KafkaErrorPhase = "connect" | "metadata" | "produce";

interface KafkaLikeError {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  retriable?: boolean;
  sentAt?: number | null;
  cause?: unknown;
  originalError?: unknown;
}

/** Wrappers kafkajs puts around the error that actually happened. */
const WRAPPERS = new Set(["KafkaJSNumberOfRetriesExceeded", "KafkaJSNonRetriableError"]);

/** The innermost meaningful error: kafkajs wraps the real one when its retrier gives up. */
export function unwrapKafkaError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const e = current as KafkaLikeError | null;
    if (!e || typeof e !== "object" || !e.name || !WRAPPERS.has(e.name)) return current;
    const inner = e.cause ?? e.originalError;
    if (!inner || inner === current) return current;
    current = inner;
  }
  return current;
}

interface Mapping {
  code: ErrorCode;
  kind: ErrorKind;
  text: string;
}

/**
 * Broker error names (as kafkajs spells them) and what they mean for a produced record.
 * Anything not listed falls back on kafkajs's own `retriable` flag.
 */
const PROTOCOL_ERRORS: Record<string, Mapping> = {
  LEADER_NOT_AVAILABLE: {
    code: "BROKER_UNAVAILABLE",
    kind: "retriable",
    text: "partition leader not available",
  },
  NOT_LEADER_FOR_PARTITION: {
    code: "BROKER_UNAVAILABLE",
    kind: "retriable",
    text: "broker is not the partition leader",
  },
  NOT_LEADER_OR_FOLLOWER: {
    code: "BROKER_UNAVAILABLE",
    kind: "retriable",
    text: "broker is not the partition leader",
  },
  NOT_ENOUGH_REPLICAS: { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "not enough in-sync replicas" },
  // The leader appended the records, then too few replicas caught up: a retry may duplicate them.
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    code: "BROKER_UNAVAILABLE",
    kind: "unknown-outcome",
    text: "records written but not enough replicas acknowledged them",
  },
  // Same: the broker answers REQUEST_TIMED_OUT to a produce after appending on the leader.
  REQUEST_TIMED_OUT: {
    code: "TIMEOUT",
    kind: "unknown-outcome",
    text: "broker timed out waiting for replicas; the records may be stored",
  },
  NETWORK_EXCEPTION: { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "broker network error" },
  KAFKA_STORAGE_ERROR: { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "broker storage error" },
  COORDINATOR_NOT_AVAILABLE: {
    code: "BROKER_UNAVAILABLE",
    kind: "retriable",
    text: "coordinator not available",
  },
  NOT_COORDINATOR: { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "broker is not the coordinator" },
  CONCURRENT_TRANSACTIONS: {
    code: "BROKER_UNAVAILABLE",
    kind: "retriable",
    text: "previous transaction still completing",
  },
  CORRUPT_MESSAGE: { code: "PROTOCOL_ERROR", kind: "retriable", text: "broker found a corrupt record batch" },
  MESSAGE_TOO_LARGE: {
    code: "MESSAGE_TOO_LARGE",
    kind: "terminal",
    text: "record batch exceeds the broker's limit",
  },
  RECORD_LIST_TOO_LARGE: {
    code: "MESSAGE_TOO_LARGE",
    kind: "terminal",
    text: "record batch exceeds the broker's limit",
  },
  INVALID_TOPIC_EXCEPTION: { code: "UNKNOWN_DESTINATION", kind: "terminal", text: "invalid topic name" },
  // Retriable as in Kafka's clients: a new topic or partition may not have reached every broker.
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: "UNKNOWN_DESTINATION",
    kind: "retriable",
    text: "unknown topic or partition",
  },
  TOPIC_AUTHORIZATION_FAILED: {
    code: "NOT_AUTHORIZED",
    kind: "terminal",
    text: "not authorized to write the topic",
  },
  CLUSTER_AUTHORIZATION_FAILED: {
    code: "NOT_AUTHORIZED",
    kind: "terminal",
    text: "not authorized on the cluster",
  },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: {
    code: "NOT_AUTHORIZED",
    kind: "terminal",
    text: "not authorized for the transactional id",
  },
  SASL_AUTHENTICATION_FAILED: { code: "AUTH_FAILED", kind: "terminal", text: "SASL authentication failed" },
  ILLEGAL_SASL_STATE: { code: "AUTH_FAILED", kind: "terminal", text: "SASL handshake in an illegal state" },
  UNSUPPORTED_SASL_MECHANISM: {
    code: "AUTH_FAILED",
    kind: "terminal",
    text: "broker does not offer this SASL mechanism",
  },
  INVALID_REQUIRED_ACKS: {
    code: "INVALID_CONFIG",
    kind: "terminal",
    text: "broker refused the acks setting",
  },
  UNSUPPORTED_COMPRESSION_TYPE: {
    code: "UNSUPPORTED_FEATURE",
    kind: "terminal",
    text: "broker does not accept this compression",
  },
  INVALID_RECORD: { code: "REJECTED", kind: "terminal", text: "broker rejected the record" },
  POLICY_VIOLATION: { code: "REJECTED", kind: "terminal", text: "broker policy rejected the request" },
  THROTTLING_QUOTA_EXCEEDED: { code: "THROTTLED", kind: "throttled", text: "broker quota exceeded" },
  OUT_OF_ORDER_SEQUENCE_NUMBER: {
    code: "PROTOCOL_ERROR",
    kind: "unknown-outcome",
    text: "idempotent producer sequence out of order",
  },
  INVALID_PRODUCER_EPOCH: { code: "REJECTED", kind: "terminal", text: "producer epoch fenced" },
  PRODUCER_FENCED: { code: "REJECTED", kind: "terminal", text: "producer fenced by a newer instance" },
};

/** TLS verification failures: a retry cannot succeed until the configuration changes. */
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/i;
/** Errors that happen before a byte of the request reached the broker. */
const NOT_WRITTEN =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Connection timeout|Failed to connect|Not connected/i;

function classify(error: KafkaLikeError, phase: KafkaErrorPhase): Mapping {
  const name = error.name ?? "";
  const message = error.message ?? String(error);

  if (error.type && typeof error.type === "string") {
    const known = PROTOCOL_ERRORS[error.type];
    if (known) return known;
    return error.retriable
      ? { code: "BROKER_UNAVAILABLE", kind: "retriable", text: `broker error ${error.type}` }
      : { code: "REJECTED", kind: "terminal", text: `broker error ${error.type}` };
  }

  switch (name) {
    case "KafkaJSSASLAuthenticationError":
      return { code: "AUTH_FAILED", kind: "terminal", text: "SASL authentication failed" };
    case "KafkaJSRequestTimeoutError":
      // kafkajs stamps sentAt when the request went onto the socket, and names the API in the
      // message: a timed-out ApiVersions or Metadata request on the way to a produce wrote no record.
      return error.sentAt != null && phase === "produce" && /\bProduce\(/.test(message)
        ? { code: "TIMEOUT", kind: "unknown-outcome", text: "no answer to the produce request in time" }
        : { code: "TIMEOUT", kind: "retriable", text: "request timed out before it was sent" };
    case "KafkaJSConnectionError":
    case "KafkaJSConnectionClosedError": {
      const code = typeof error.code === "string" ? error.code : "";
      if (TLS_FAILURE.test(code) || /certificate|SSL routines|TLS/i.test(message)) {
        return { code: "AUTH_FAILED", kind: "terminal", text: "TLS handshake failed" };
      }
      if (phase !== "produce") {
        return { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "cannot reach the broker" };
      }
      // Even "connection refused" is no proof here: when a produce request fails on a lost
      // connection, kafkajs reconnects at once and throws the reconnect's error instead (seen
      // with toxiproxy: ECONNREFUSED reported for a record the broker had stored).
      return {
        code: "BROKER_UNAVAILABLE",
        kind: "unknown-outcome",
        text:
          NOT_WRITTEN.test(code) || NOT_WRITTEN.test(message)
            ? "connection to the broker failed around the produce request"
            : "connection lost during the produce request",
      };
    }
    case "KafkaJSBrokerNotFound":
    case "KafkaJSNoBrokerAvailableError":
    case "KafkaJSMetadataNotLoaded":
    case "KafkaJSTopicMetadataNotLoaded":
    case "KafkaJSStaleTopicMetadataAssignment":
      return { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "cluster metadata not available" };
    case "KafkaJSGroupCoordinatorNotFound":
      // Also the transaction coordinator: not found while the broker creates its state topic.
      return { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "coordinator not found" };
    case "KafkaJSLockTimeout":
      return { code: "TIMEOUT", kind: "retriable", text: "timed out waiting for the connection lock" };
    case "KafkaJSServerDoesNotSupportApiKey":
      return { code: "UNSUPPORTED_FEATURE", kind: "terminal", text: "broker does not support the request" };
    case "KafkaJSNotImplemented":
      return { code: "UNSUPPORTED_FEATURE", kind: "terminal", text: "not implemented by kafkajs" };
  }
  if (name.startsWith("KafkaJS")) {
    // "The producer is disconnected" and its kin: kafkajs marks what it would retry itself.
    return error.retriable
      ? { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "kafka client error" }
      : { code: "INTERNAL", kind: "terminal", text: "kafka client error" };
  }
  return { code: "INTERNAL", kind: "terminal", text: "unexpected error" };
}

/**
 * Turns anything kafkajs throws into an `OutboundError` with a code and kind the engine acts on;
 * the kafkajs error stays as `cause` and its broker error name as `brokerCode`.
 */
export function toKafkaOutboundError(
  error: unknown,
  phase: KafkaErrorPhase,
  context?: string,
): OutboundError {
  if (error instanceof OutboundError) return error;
  const inner = unwrapKafkaError(error) as KafkaLikeError;
  const mapping = classify(inner && typeof inner === "object" ? inner : { message: String(inner) }, phase);
  const detail = inner && typeof inner === "object" && inner.message ? inner.message : String(inner);
  const where = context ? `${context}: ` : "";
  return new OutboundError(mapping.code, `${where}${mapping.text} (${detail})`, {
    kind: mapping.kind,
    transport: "kafka",
    cause: error,
    brokerCode: typeof inner?.type === "string" ? inner.type : inner?.name,
  });
}

/** True for the broker's "too large" answers, which the transport resolves by splitting a batch. */
export function isTooLarge(error: OutboundError): boolean {
  return error.code === "MESSAGE_TOO_LARGE";
}
