import type { Span } from "@opentelemetry/api";
import type { OutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage, OutboundRecord } from "../message/index.js";

/** A message the engine has accepted and must settle exactly once. */
export interface Pending {
  readonly message: OutboundMessage;
  readonly record: OutboundRecord;
  /** `performance.now()` at `send()`. */
  readonly startedAt: number;
  /** `performance.now()` after which the message fails with TIMEOUT. */
  readonly deadline: number;
  /** When it entered its lane, for `lingerMs`. */
  enqueuedAt: number;
  /** Keyless and placed by the sticky partitioner. */
  readonly sticky: boolean;
  settled: boolean;
  /** The last failure, kept so a later timeout can say whether the broker may hold the message. */
  lastError: OutboundError | undefined;
  firstFailureAt: number | undefined;
  /** The OpenTelemetry span, when tracing is on. */
  readonly span: Span | undefined;
  /** False for dead-letter copies, so they are never dead-lettered again. */
  readonly deadLetterable: boolean;
  resolve(report: DeliveryReport): void;
  reject(error: OutboundError): void;
}
