import type { BatchResultErrorEntry } from "@aws-sdk/client-sqs";
import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "KmsThrottled",
  "KMS.ThrottlingException",
]);
const QUEUE_MISSING = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "NonExistentQueue",
]);
const AUTH = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "MissingAuthenticationToken",
  "IncompleteSignature",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSecurity",
  "CredentialsProviderError",
]);
const FORBIDDEN = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "KmsAccessDenied",
  "KMS.AccessDeniedException",
]);
const UNAVAILABLE = new Set(["ServiceUnavailable", "RequestTimeout", "KmsUnavailable"]);
/** Whole-request refusals of a request's content: an entry SQS will not take as it is. */
const INVALID_CONTENT = new Set([
  "InvalidParameterValue",
  "InvalidAttributeValue",
  "InvalidAttributeName",
  "InvalidMessageContents",
  "MissingParameter",
  "UnsupportedOperation",
]);
const TOO_LARGE = new Set([
  "BatchRequestTooLong",
  "MessageTooLong",
  "AWS.SimpleQueueService.BatchRequestTooLong",
]);
/** SQS reports an oversize message as InvalidParameterValue / InvalidAttributeValue with this text. */
const TOO_LARGE_TEXT = /too ?long|too ?large/i;
/** Socket errors raised before any byte of the request left: a retry cannot duplicate. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : { message: String(error) };
}

/** Removes credential strings from text that leaves the transport. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("****");
  return out;
}

/**
 * The SQS error code of an SDK error: the query-compatible code when present, else its name.
 * Some servers (ElasticMQ) send a Smithy shape id such as `com.amazonaws.sqs#QueueDoesNotExist`.
 */
export function sqsErrorCode(error: unknown): string {
  const e = shape(error);
  const code = e.Code ?? e.name ?? "";
  return code.slice(code.lastIndexOf("#") + 1);
}

export function isQueueMissing(error: unknown): boolean {
  return QUEUE_MISSING.has(sqsErrorCode(error)) || QUEUE_MISSING.has(shape(error).name ?? "");
}

export interface ClassifyContext {
  /** What was being done, e.g. `SendMessageBatch to "orders"`. */
  action: string;
  /** True when our timeout or the engine's signal aborted the request. */
  aborted: boolean;
  /**
   * False for a request that stores nothing (GetQueueUrl, GetQueueAttributes): then no failure
   * is an unknown outcome, and no error says SQS may hold messages. Default true.
   */
  stores?: boolean;
  secrets: readonly string[];
}

/**
 * Classifies a failed request as a whole. The kind decides the engine's next step, so it errs
 * toward `unknown-outcome` whenever SQS may have enqueued the messages before the failure.
 */
export function classifyRequestError(error: unknown, context: ClassifyContext): OutboundError {
  const classified = classifyFailure(error, context);
  if (context.stores !== false || classified.kind !== "unknown-outcome") return classified;
  // A lookup that went unanswered sent nothing: another try is all it needs.
  const message =
    classified.code === "TIMEOUT"
      ? `${context.action}: no answer in time; nothing was sent (${scrub(shape(error).message ?? String(error), context.secrets)})`
      : classified.reason;
  return new OutboundError(classified.code, message, {
    transport: "sqs",
    kind: "retriable",
    cause: error,
    brokerCode: classified.brokerCode,
  });
}

function classifyFailure(error: unknown, context: ClassifyContext): OutboundError {
  const e = shape(error);
  const name = e.name ?? "";
  const code = sqsErrorCode(error);
  const status = e.$metadata?.httpStatusCode;
  const text = scrub(e.message ?? String(error), context.secrets);
  const make = (c: ErrorCode, message: string, kind?: ErrorKind) =>
    new OutboundError(c, `${context.action}: ${message}`, {
      transport: "sqs",
      cause: error,
      brokerCode: code || undefined,
      ...(kind ? { kind } : {}),
    });

  if (context.aborted || name === "AbortError" || name === "TimeoutError" || e.code === "ETIMEDOUT") {
    return make("TIMEOUT", `no answer in time, SQS may hold the messages (${text})`, "unknown-outcome");
  }
  if (QUEUE_MISSING.has(code) || QUEUE_MISSING.has(name))
    return make("UNKNOWN_DESTINATION", `queue does not exist (${text})`);
  if (THROTTLING.has(code) || THROTTLING.has(name) || status === 429)
    return make("THROTTLED", text, "throttled");
  if (AUTH.has(code) || AUTH.has(name)) return make("AUTH_FAILED", text);
  if (FORBIDDEN.has(code) || FORBIDDEN.has(name) || status === 403) return make("NOT_AUTHORIZED", text);
  if (TOO_LARGE.has(code) || TOO_LARGE.has(name) || (status === 400 && TOO_LARGE_TEXT.test(text))) {
    return make("MESSAGE_TOO_LARGE", text);
  }
  if (INVALID_CONTENT.has(code) && status !== undefined && status < 500) return make("INVALID_MESSAGE", text);
  if (e.code && NOT_SENT.has(e.code))
    return make("BROKER_UNAVAILABLE", `cannot reach SQS (${text})`, "retriable");
  if (UNAVAILABLE.has(code) || status === 503) return make("BROKER_UNAVAILABLE", text, "retriable");
  if (e.$fault === "server" || (status !== undefined && status >= 500)) {
    // A 500 may come after SQS stored the messages.
    return make("BROKER_UNAVAILABLE", text, "unknown-outcome");
  }
  if (status === undefined && e.$fault === undefined) {
    // No HTTP answer at all (reset, broken pipe): the request may have been written.
    return make("BROKER_UNAVAILABLE", `connection failed (${text})`, "unknown-outcome");
  }
  return make("REJECTED", text);
}

/** True when a whole-request rejection is about the request's content, not the queue or the caller. */
export function isContentRejection(error: OutboundError): boolean {
  return (
    error.kind === "terminal" &&
    (error.code === "REJECTED" || error.code === "INVALID_MESSAGE" || error.code === "MESSAGE_TOO_LARGE")
  );
}

/** Maps one `Failed` entry of a SendMessageBatch answer onto the record's error. */
export function classifyEntryFailure(failure: BatchResultErrorEntry, queueName: string): OutboundError {
  const code = failure.Code ?? "Unknown";
  const text = `SQS refused the message on "${queueName}": ${code}${failure.Message ? `: ${failure.Message}` : ""}`;
  const options = { transport: "sqs", brokerCode: code };
  if (THROTTLING.has(code)) return new OutboundError("THROTTLED", text, { ...options, kind: "throttled" });
  if (failure.SenderFault === false) {
    return new OutboundError("BROKER_UNAVAILABLE", text, { ...options, kind: "retriable" });
  }
  const tooLarge = TOO_LARGE.has(code) || TOO_LARGE_TEXT.test(failure.Message ?? "");
  return new OutboundError(tooLarge ? "MESSAGE_TOO_LARGE" : "INVALID_MESSAGE", text, {
    ...options,
    kind: "terminal",
  });
}
