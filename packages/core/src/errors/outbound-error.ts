import { DEFAULT_KIND, type ErrorCode, type ErrorKind } from "./codes.js";

export interface OutboundErrorOptions {
  /** Overrides the code's default kind. */
  kind?: ErrorKind;
  /** The transport that raised it, when one did. */
  transport?: string;
  /** The original error from the broker client. */
  cause?: unknown;
  /** Broker-specific detail worth keeping, for example SQS's error code or Kafka's error name. */
  brokerCode?: string;
  /** Extra structured context. Never put credentials here. */
  details?: Record<string, unknown>;
  /** Set when the failed message was handed to the dead-letter sink. */
  deadLetter?: DeadLetterOutcome;
}

/** What happened to a failed message's dead-letter copy. */
export interface DeadLetterOutcome {
  /** Where the copy landed, e.g. `kafka:orders.dlq` or `file:/data/dead-letters.jsonl`. */
  destination?: string;
  /** Why the copy could not be written, when it could not. */
  error?: OutboundError;
}

/**
 * The one error class Outbound raises. `message` reads `[outbound] [kafka] what went wrong`;
 * `code` and `kind` are stable and meant to be switched on.
 */
export class OutboundError extends Error {
  override readonly name = "OutboundError";
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly transport: string | undefined;
  readonly brokerCode: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly deadLetter: DeadLetterOutcome | undefined;
  /**
   * What went wrong, without the `[outbound] [transport]` prefix `message` carries: for
   * building another error's message from this one.
   */
  readonly reason: string;

  constructor(code: ErrorCode, message: string, options: OutboundErrorOptions = {}) {
    const prefix = options.transport ? `[outbound] [${options.transport}] ` : "[outbound] ";
    super(prefix + message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = message;
    this.kind = options.kind ?? DEFAULT_KIND[code];
    this.transport = options.transport;
    this.brokerCode = options.brokerCode;
    this.details = options.details;
    this.deadLetter = options.deadLetter;
  }

  /**
   * True when sending the message again cannot store it twice: the broker stored nothing
   * (`retriable`) or refused to take it yet (`throttled`). The producer itself also retries
   * `unknown-outcome` failures; see `RETRIED_KINDS`.
   */
  get retriable(): boolean {
    return this.kind === "retriable" || this.kind === "throttled";
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      transport: this.transport,
      brokerCode: this.brokerCode,
      message: this.message,
      details: this.details,
      deadLetter: this.deadLetter && {
        destination: this.deadLetter.destination,
        error: this.deadLetter.error?.message,
      },
    };
  }
}

export function isOutboundError(value: unknown): value is OutboundError {
  return value instanceof OutboundError;
}

/** Wraps anything thrown by user or client code as an `OutboundError`, keeping it as `cause`. */
export function toOutboundError(
  error: unknown,
  fallback: ErrorCode,
  options: OutboundErrorOptions & { context?: string } = {},
): OutboundError {
  if (error instanceof OutboundError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const message = options.context ? `${options.context}: ${text}` : text;
  return new OutboundError(fallback, message, { ...options, cause: error });
}
