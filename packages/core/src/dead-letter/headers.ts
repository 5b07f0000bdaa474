/**
 * Headers added to a dead-lettered copy. The original value, key and headers are kept as they
 * were; these say where it came from and why it failed.
 */
export const DEAD_LETTER_HEADERS = {
  /** The topic the message was sent to. */
  originalTopic: "outbound-dlq-original-topic",
  /** `OutboundError.code`, for example MESSAGE_TOO_LARGE. */
  errorCode: "outbound-dlq-error-code",
  /** `OutboundError.message`, truncated to 1 KiB. */
  errorMessage: "outbound-dlq-error-message",
  /** Attempts made before giving up, as a decimal string. */
  attempts: "outbound-dlq-attempts",
  /** When the first attempt failed, ISO 8601. */
  firstFailureAt: "outbound-dlq-first-failure-at",
} as const;
