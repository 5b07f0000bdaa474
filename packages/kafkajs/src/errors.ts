import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";
import { brokerErrorMeaning, TLS_FAILURE, TLS_FAILURE_MESSAGE } from "@outbound/kafka-common";

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

/** Errors that happen before a byte of the request reached the broker. */
const NOT_WRITTEN =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Connection timeout|Failed to connect|Not connected/i;

function classify(error: KafkaLikeError, phase: KafkaErrorPhase): Mapping {
  const name = error.name ?? "";
  const message = error.message ?? String(error);

  if (error.type && typeof error.type === "string")
    return brokerErrorMeaning(error.type, error.retriable === true);

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
      if (TLS_FAILURE.test(code) || TLS_FAILURE_MESSAGE.test(message)) {
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
    transport: "kafkajs",
    cause: error,
    brokerCode: typeof inner?.type === "string" ? inner.type : inner?.name,
  });
}

/** True for the broker's "too large" answers, which the transport resolves by splitting a batch. */
export function isTooLarge(error: OutboundError): boolean {
  return error.code === "MESSAGE_TOO_LARGE";
}
