import type { Span } from "@opentelemetry/api";
import type { OutboundError } from "../errors/index.js";
import type { DeliveryReport, Headers, OutboundMessage, OutboundRecord } from "../message/index.js";

/** Shared by every record sent without headers; a writer gets a fresh object instead (see `writableHeaders`). */
export const NO_HEADERS: Headers = Object.freeze({}) as Headers;

const EMPTY_VALUE = new Uint8Array(0);

const unset = (): void => {};

/**
 * Where a record is in the pipeline; it only moves forward, except backoff, which goes back to
 * in-flight when the retry is sent:
 *
 *   admitting -> queued -> in-flight -> (backoff -> in-flight)* -> [dead-lettering ->] settled
 *
 * - `admitting`: accepted by `send()`, waiting for the serializer, the partition count or buffer space;
 * - `queued`: in its lane, waiting for linger, the in-flight limit or the broker;
 * - `in-flight`: in a request the transport has not answered;
 * - `backoff`: back at its lane's head after a retriable failure, waiting out the backoff;
 * - `dead-lettering`: failed, its copy being written; `send()` rejects once that is done;
 * - `settled`: acknowledged or failed; its `send()` promise has settled.
 */
export type RecordState = "admitting" | "queued" | "in-flight" | "backoff" | "dead-lettering" | "settled";

/**
 * One accepted message, from `send()` until it settles exactly once. It is also the record the
 * transport receives: one object per buffered message instead of a record plus bookkeeping
 * around it, because the engine's per-message overhead is what a producer holding a large
 * backlog pays for in memory.
 */
export class PendingRecord implements OutboundRecord {
  topic: string;
  partition: number;
  key: Uint8Array | undefined;
  value: Uint8Array = EMPTY_VALUE;
  headers: Headers;
  contentType: string;
  timestamp: number;
  id: string | undefined;
  delayMs: number | undefined;
  attempt = 1;
  /** The backoff drawn when the last failure was judged retriable within the deadline. */
  retryDelayMs = 0;
  /** -1 until the value is bytes; from then on a failure can be dead-lettered. */
  sizeBytes = -1;

  /** `clock.now()` at `send()`; the delivery deadline and linger run from here. */
  readonly startedAt: number;
  state: RecordState = "admitting";
  /** Keyless and placed by the sticky partitioner. */
  sticky = false;
  /** The last failure, kept so a later timeout can say whether the broker may hold the message. */
  lastError: OutboundError | undefined = undefined;
  firstFailureAt: number | undefined = undefined;
  /** The OpenTelemetry span, when a recording tracer is registered. */
  span: Span | undefined = undefined;
  resolve: (report: DeliveryReport) => void = unset;
  reject: (error: OutboundError) => void = unset;

  /** Built by `readMessage`, which reads each field of `message` once and checks it. */
  constructor(
    /** The caller's own object, handed back in events and close() results. */
    readonly message: OutboundMessage,
    topic: string,
    partition: number,
    key: Uint8Array | undefined,
    headers: Headers,
    timestamp: number,
    id: string | undefined,
    delayMs: number | undefined,
    contentType: string,
    /** False for dead-letter copies, so they are never dead-lettered again. */
    readonly deadLetterable: boolean,
    startedAt: number,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.key = key;
    this.headers = headers;
    this.timestamp = timestamp;
    this.contentType = contentType;
    this.id = id;
    this.delayMs = delayMs;
    this.startedAt = startedAt;
  }

  /** Out of the pipeline: settled, or failed with its dead-letter copy being written. */
  get finished(): boolean {
    return this.state === "settled" || this.state === "dead-lettering";
  }

  /** Whether the value is bytes yet. */
  get placed(): boolean {
    return this.sizeBytes >= 0;
  }

  /** The headers, made a private object first if they are still the shared empty one. */
  writableHeaders(): Headers {
    if (this.headers === NO_HEADERS) this.headers = {};
    return this.headers;
  }
}
