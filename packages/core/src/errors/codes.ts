/**
 * Every error Outbound raises carries one of these codes. The list is closed: a transport maps
 * its client's errors onto it and keeps the original as `cause`.
 */
export const ERROR_CODES = [
  "INVALID_CONFIG",
  "INVALID_MESSAGE",
  "UNKNOWN_TRANSPORT",
  "TRANSPORT_NOT_INSTALLED",
  "SERIALIZATION_FAILED",
  "MESSAGE_TOO_LARGE",
  "UNSUPPORTED_FEATURE",
  "BUFFER_FULL",
  "TIMEOUT",
  "BROKER_UNAVAILABLE",
  "AUTH_FAILED",
  "NOT_AUTHORIZED",
  "UNKNOWN_DESTINATION",
  "THROTTLED",
  "REJECTED",
  "CLOSED",
  "ABORTED",
  "PROTOCOL_ERROR",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * How the engine treats a failure:
 * - `retriable`: the broker did not take the message; sending again is safe.
 * - `throttled`: as retriable, but the broker asked us to slow down.
 * - `terminal`: sending again cannot succeed; the message fails now.
 * - `unknown-outcome`: the request was written but no answer came; the broker may hold the message.
 */
export type ErrorKind = "retriable" | "terminal" | "throttled" | "unknown-outcome";

/** The kind an error code has unless the raiser says otherwise. */
export const DEFAULT_KIND: Record<ErrorCode, ErrorKind> = {
  INVALID_CONFIG: "terminal",
  INVALID_MESSAGE: "terminal",
  UNKNOWN_TRANSPORT: "terminal",
  TRANSPORT_NOT_INSTALLED: "terminal",
  SERIALIZATION_FAILED: "terminal",
  MESSAGE_TOO_LARGE: "terminal",
  UNSUPPORTED_FEATURE: "terminal",
  BUFFER_FULL: "throttled",
  TIMEOUT: "unknown-outcome",
  BROKER_UNAVAILABLE: "retriable",
  AUTH_FAILED: "terminal",
  NOT_AUTHORIZED: "terminal",
  UNKNOWN_DESTINATION: "terminal",
  THROTTLED: "throttled",
  REJECTED: "terminal",
  CLOSED: "terminal",
  // The caller's own signal: sending again is the caller's choice, and safe unless it was in flight.
  ABORTED: "retriable",
  PROTOCOL_ERROR: "terminal",
  INTERNAL: "terminal",
};
