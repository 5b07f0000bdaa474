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

import type { DeliveryCallback } from "./types.js";

export type { DeliveryCallback };

/** `flags` bits: three booleans in one field, because every field costs each buffered message. */
const STICKY = 1;
const DEAD_LETTERABLE = 2;
/** `notify` is a `produce()` callback, not a promise's `resolve`. */
const CALLBACK = 4;

/**
 * What few records need, kept off the record itself: the failure history (only failed records
 * have one) and a per-send deadline or abort signal (only sends that asked for one).
 */
export interface RecordExtra {
  /** The last failure, kept so a later timeout can say whether the broker may hold the message. */
  lastError?: OutboundError;
  firstFailureAt?: number;
  /** The backoff drawn when the last failure was judged retriable within the deadline. */
  retryDelayMs?: number;
  /** The OpenTelemetry span, when a recording tracer is registered. */
  span?: Span;
  /** This send's own delivery timeout, shorter than `deliveryTimeoutMs`. */
  timeoutMs?: number;
  /** Stops watching this send's own deadline and abort signal; called when it settles. */
  unwatch?: () => void;
}

/**
 * One accepted message, from `send()` until it settles exactly once. It is also the record the
 * transport receives: one object per buffered message instead of a record plus bookkeeping
 * around it, because the engine's per-message overhead is what a producer holding a large
 * backlog pays for in memory. Rarely used engine state (a span, failures, per-send controls)
 * lives in `extra`, booleans in `flags`.
 */
export class PendingRecord implements OutboundRecord {
  topic: string;
  partition: number;
  key: Uint8Array | undefined;
  value: Uint8Array = EMPTY_VALUE;
  headers: Headers;
  contentType: string;
  timestamp: number;
  // Own fields, not accessors on `extra`: they are OutboundRecord's, and a transport that spreads
  // a record must not lose an id its broker deduplicates on.
  id: string | undefined;
  delayMs: number | undefined;
  attempt = 1;
  /** -1 until the value is bytes; from then on a failure can be dead-lettered. */
  sizeBytes = -1;
  /** `clock.now()` at `send()`; the delivery deadline and linger run from here. */
  readonly startedAt: number;
  state: RecordState = "admitting";
  private flags: number;
  /**
   * Told the outcome once. Only `resolve` of the promise `send()` returned is kept: its `reject`
   * would cost a closure per message, and a failure resolves with a rejecting thenable instead.
   */
  private notify: ((report: DeliveryReport | PromiseLike<never>) => void) | DeliveryCallback = unset;
  extra: RecordExtra | undefined = undefined;

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
    deadLetterable: boolean,
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
    this.flags = deadLetterable ? DEAD_LETTERABLE : 0;
  }

  // The span is the engine's own, not the transport's: it can live on `extra`, which only
  // messages traced by a recording tracer need.
  get span(): Span | undefined {
    return this.extra?.span;
  }

  set span(span: Span | undefined) {
    if (span !== undefined || this.extra) this.extras().span = span;
  }

  /** Keyless and placed by the sticky partitioner. */
  get sticky(): boolean {
    return (this.flags & STICKY) !== 0;
  }

  set sticky(value: boolean) {
    this.flags = value ? this.flags | STICKY : this.flags & ~STICKY;
  }

  /** False for dead-letter copies, so they are never dead-lettered again. */
  get deadLetterable(): boolean {
    return (this.flags & DEAD_LETTERABLE) !== 0;
  }

  /** Whether the outcome goes to a `produce()` callback, not a promise. */
  get usesCallback(): boolean {
    return (this.flags & CALLBACK) !== 0;
  }

  get lastError(): OutboundError | undefined {
    return this.extra?.lastError;
  }

  /** Out of the pipeline: settled, or failed with its dead-letter copy being written. */
  get finished(): boolean {
    return this.state === "settled" || this.state === "dead-lettering";
  }

  /** Whether the value is bytes yet. */
  get placed(): boolean {
    return this.sizeBytes >= 0;
  }

  /** The extra state, made on first use. */
  extras(): RecordExtra {
    this.extra ??= {};
    return this.extra;
  }

  /** The promise `send()` returns, settled by {@link deliver} or {@link reject}. */
  promise(): Promise<DeliveryReport> {
    return new Promise<DeliveryReport>((resolve) => {
      this.notify = resolve;
    });
  }

  /** Reports the outcome to `callback` instead of a promise (`produce()`). */
  callback(callback: DeliveryCallback): void {
    this.notify = callback;
    this.flags |= CALLBACK;
  }

  /** Tells the sender it was delivered. Exactly once, by settlement. */
  deliver(report: DeliveryReport): void {
    this.extra?.unwatch?.();
    const notify = this.notify;
    this.notify = unset;
    if (this.flags & CALLBACK) (notify as DeliveryCallback)(undefined, report);
    else (notify as (report: DeliveryReport) => void)(report);
  }

  /** Tells the sender it failed. Exactly once, by settlement. */
  reject(error: OutboundError): void {
    this.extra?.unwatch?.();
    const notify = this.notify;
    this.notify = unset;
    if (this.flags & CALLBACK) (notify as DeliveryCallback)(error, undefined);
    else (notify as (rejection: PromiseLike<never>) => void)(rejecting(error));
  }

  /** The headers, made a private object first if they are still the shared empty one. */
  writableHeaders(): Headers {
    if (this.headers === NO_HEADERS) this.headers = {};
    return this.headers;
  }
}

/** When `p` fails if not delivered: its own `timeoutMs`, or the producer's `deliveryTimeoutMs`. */
export function deadlineOf(p: PendingRecord, deliveryTimeoutMs: number): number {
  return p.startedAt + (p.extra?.timeoutMs ?? deliveryTimeoutMs);
}

/**
 * A thenable that rejects with `error`: resolving a promise with it rejects that promise, without
 * a rejected promise that could be reported as unhandled in between.
 */
function rejecting(error: OutboundError): PromiseLike<never> {
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what this is.
    then: (_onFulfilled, onRejected) => {
      onRejected?.(error);
      return undefined as never;
    },
  } as PromiseLike<never>;
}
