import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";
import { serverErrorName } from "./protocol/index.js";

/** The transport name every error and log line carries. */
export const TRANSPORT_NAME = "pulsar";

/**
 * Outbound's code and kind for each `ServerError` the broker returns in ERROR, SEND_ERROR or a
 * failed lookup. Errors the broker raises while it is (re)starting or moving a topic are
 * retriable; quota errors are throttling; the rest cannot succeed by sending again.
 */
const SERVER_ERRORS: Record<string, { code: ErrorCode; kind: ErrorKind }> = {
  UnknownError: { code: "BROKER_UNAVAILABLE", kind: "retriable" },
  MetadataError: { code: "BROKER_UNAVAILABLE", kind: "retriable" },
  PersistenceError: { code: "BROKER_UNAVAILABLE", kind: "retriable" },
  AuthenticationError: { code: "AUTH_FAILED", kind: "terminal" },
  AuthorizationError: { code: "NOT_AUTHORIZED", kind: "terminal" },
  ConsumerBusy: { code: "REJECTED", kind: "terminal" },
  ServiceNotReady: { code: "BROKER_UNAVAILABLE", kind: "retriable" },
  ProducerBlockedQuotaExceededError: { code: "THROTTLED", kind: "throttled" },
  ProducerBlockedQuotaExceededException: { code: "THROTTLED", kind: "throttled" },
  // The frame was damaged in transit; the broker stored nothing, so a resend is safe.
  ChecksumError: { code: "PROTOCOL_ERROR", kind: "retriable" },
  UnsupportedVersionError: { code: "PROTOCOL_ERROR", kind: "terminal" },
  TopicNotFound: { code: "UNKNOWN_DESTINATION", kind: "terminal" },
  SubscriptionNotFound: { code: "INTERNAL", kind: "terminal" },
  ConsumerNotFound: { code: "INTERNAL", kind: "terminal" },
  TooManyRequests: { code: "THROTTLED", kind: "throttled" },
  TopicTerminatedError: { code: "REJECTED", kind: "terminal" },
  // Another producer holds the name or exclusive access; after a reconnect it is usually our
  // own previous incarnation that the broker has not dropped yet.
  ProducerBusy: { code: "REJECTED", kind: "retriable" },
  InvalidTopicName: { code: "UNKNOWN_DESTINATION", kind: "terminal" },
  IncompatibleSchema: { code: "REJECTED", kind: "terminal" },
  ConsumerAssignError: { code: "INTERNAL", kind: "terminal" },
  TransactionCoordinatorNotFound: { code: "INTERNAL", kind: "terminal" },
  InvalidTxnStatus: { code: "INTERNAL", kind: "terminal" },
  NotAllowedError: { code: "REJECTED", kind: "terminal" },
  TransactionConflict: { code: "INTERNAL", kind: "terminal" },
  TransactionNotFound: { code: "INTERNAL", kind: "terminal" },
  ProducerFenced: { code: "REJECTED", kind: "terminal" },
};

/** Turns a broker `ServerError` into an `OutboundError`, keeping the protocol name as `brokerCode`. */
export function serverError(
  code: number | null | undefined,
  brokerMessage: string,
  context: string,
): OutboundError {
  const name = serverErrorName(code);
  const mapped = SERVER_ERRORS[name] ?? { code: "INTERNAL" as const, kind: "terminal" as const };
  return new OutboundError(mapped.code, `${context}: ${name}: ${brokerMessage || "no detail"}`, {
    transport: TRANSPORT_NAME,
    kind: mapped.kind,
    brokerCode: name,
  });
}

/** An `OutboundError` raised by this transport. */
export function pulsarError(
  code: ErrorCode,
  message: string,
  options: { kind?: ErrorKind; cause?: unknown; details?: Record<string, unknown> } = {},
): OutboundError {
  return new OutboundError(code, message, { ...options, transport: TRANSPORT_NAME });
}

/** `ledger:entry:partition:batchIndex`, the form Pulsar's Java client prints a message id in. */
export function formatMessageId(
  ledger: string,
  entry: string,
  partition: number,
  batchIndex: number,
): string {
  return `${ledger}:${entry}:${partition}:${batchIndex}`;
}
