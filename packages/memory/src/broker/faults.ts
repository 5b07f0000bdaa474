import { type BackpressureState, type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";
import type { AddressedRecord, ProduceOptions } from "./produce-request.js";

/** The error an injected fault raises. `kind` defaults to the code's usual kind. */
export interface InjectedError {
  code?: ErrorCode;
  kind?: ErrorKind;
  message?: string;
}

export interface FailNextOptions extends InjectedError {
  /**
   * `request` (default): the next `n` produce requests are rejected whole, as when a connection
   * fails. `record`: the next `n` records each fail on their own while the rest of their batch
   * is stored, as when a broker rejects some entries of a batch.
   */
  scope?: "request" | "record";
}

export interface DisconnectOptions {
  /** Reconnect by itself after this long, as a broker restart or a network blip would. */
  forMs?: number;
}

interface PendingFailure {
  remaining: number;
  error: InjectedError;
}

interface RecordRule {
  predicate: (record: AddressedRecord) => boolean;
  error: InjectedError;
}

function injected(spec: InjectedError, what: string): OutboundError {
  const code = spec.code ?? "BROKER_UNAVAILABLE";
  const options = spec.kind === undefined ? {} : { kind: spec.kind };
  return new OutboundError(code, spec.message ?? `injected fault: ${what} failed with ${code}`, {
    ...options,
    transport: "memory",
    brokerCode: "INJECTED",
  });
}

/**
 * The memory broker's fault switchboard: failures, latency, hangs, disconnects and flow control
 * that tests turn on to see how a producer copes. Everything applies to every transport attached
 * to the broker, as a real broker's trouble would.
 */
export class FaultInjector {
  private requestFailures: PendingFailure[] = [];
  private recordFailures: PendingFailure[] = [];
  private readonly rules = new Set<RecordRule>();
  private latencyMs = 0;
  private jitterMs = 0;
  private isHung = false;
  private isConnected = true;
  private flow: BackpressureState = { paused: false };
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  // Requests waiting on latency, a hang or a pause re-check their state when anything changes.
  private readonly waiters = new Set<() => void>();
  private readonly flowListeners = new Set<(state: BackpressureState) => void>();

  /** Fails the next `n` requests (or records, with `scope: "record"`) with the given error. */
  failNext(n: number, options: FailNextOptions = {}): void {
    if (!Number.isSafeInteger(n) || n < 1)
      throw misuse(`faults.failNext(n): n must be a positive integer, got ${n}`);
    const { scope = "request", ...error } = options;
    (scope === "record" ? this.recordFailures : this.requestFailures).push({ remaining: n, error });
  }

  /**
   * Fails every record that matches `predicate` with `error`, until the returned function is
   * called or `reset()`. Matching records fail alone; the rest of their batch is stored.
   */
  rejectWhen(predicate: (record: AddressedRecord) => boolean, error: InjectedError = {}): () => void {
    const rule = { predicate, error };
    this.rules.add(rule);
    return () => this.rules.delete(rule);
  }

  /** Every request waits `ms` (plus up to `jitterMs` at random) before the broker answers. */
  latency(ms: number, jitterMs = 0): void {
    if (!(ms >= 0) || !(jitterMs >= 0))
      throw misuse(`faults.latency: ms and jitterMs must be >= 0, got ${ms}, ${jitterMs}`);
    this.latencyMs = ms;
    this.jitterMs = jitterMs;
    this.notify();
  }

  /** Same as {@link latency}: delays every answer by `ms`. */
  delay(ms: number): void {
    this.latency(ms);
  }

  /**
   * Requests get no answer until {@link release}. A request the producer abandons meanwhile
   * (its signal aborts or its timeout passes) is not stored.
   */
  hang(): void {
    this.isHung = true;
  }

  /** Answers the requests held by {@link hang}, and later ones at once again. */
  release(): void {
    this.isHung = false;
    this.notify();
  }

  /**
   * Drops every connection: new requests and `connect()` fail with a retriable
   * `BROKER_UNAVAILABLE`, and requests waiting for an answer fail with an unknown outcome
   * (the client cannot know whether they were applied; here they were not).
   */
  disconnect(options: DisconnectOptions = {}): void {
    this.isConnected = false;
    clearTimeout(this.reconnectTimer);
    if (options.forMs !== undefined) {
      this.reconnectTimer = setTimeout(() => this.reconnect(), options.forMs);
      this.reconnectTimer.unref?.();
    }
    this.notify();
  }

  /** Accepts connections again after {@link disconnect}. */
  reconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.isConnected = true;
    this.notify();
  }

  /**
   * Turns flow control on: transports report `paused` through `onBackpressure`, and requests
   * wait until {@link resume}, as a blocked AMQP connection does.
   */
  pause(reason = "memory broker paused by flow control"): void {
    if (this.flow.paused) return;
    this.flow = { paused: true, reason };
    this.emitFlow();
  }

  resume(): void {
    if (!this.flow.paused) return;
    this.flow = { paused: false };
    this.emitFlow();
    this.notify();
  }

  /** Clears every fault: no failures queued, no latency, released, connected, resumed. */
  reset(): void {
    this.requestFailures = [];
    this.recordFailures = [];
    this.rules.clear();
    this.latencyMs = 0;
    this.jitterMs = 0;
    this.release();
    this.reconnect();
    this.resume();
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get hung(): boolean {
    return this.isHung;
  }

  get paused(): boolean {
    return this.flow.paused;
  }

  /** Subscribes to flow-control changes; returns the unsubscribe function. */
  onFlowControl(listener: (state: BackpressureState) => void): () => void {
    this.flowListeners.add(listener);
    return () => this.flowListeners.delete(listener);
  }

  /** @internal The whole-request failure due now, if any. */
  takeRequestFailure(): OutboundError | undefined {
    const spec = take(this.requestFailures);
    return spec && injected(spec, "request");
  }

  /** @internal The failure for this record, if one is queued or a rule matches it. */
  takeRecordFailure(record: AddressedRecord): OutboundError | undefined {
    const spec = take(this.recordFailures);
    if (spec) return injected(spec, "record");
    for (const rule of this.rules) {
      if (rule.predicate(record)) return injected(rule.error, "record");
    }
    return undefined;
  }

  /** @internal True when records need {@link takeRecordFailure} at all (keeps the common path cheap). */
  get hasRecordFaults(): boolean {
    return this.recordFailures.length > 0 || this.rules.size > 0;
  }

  /** @internal True when a request would have to wait (latency, a hang or a pause). */
  get holding(): boolean {
    return this.latencyMs > 0 || this.jitterMs > 0 || this.isHung || this.flow.paused;
  }

  /**
   * @internal Waits out latency, a hang and a pause. Rejects when the connection drops or the
   * caller gives up first (its signal aborts or its timeout passes).
   */
  async hold(options: ProduceOptions | undefined): Promise<void> {
    const waitMs = this.latencyMs + (this.jitterMs > 0 ? Math.random() * this.jitterMs : 0);
    if (waitMs === 0 && !this.isHung && !this.flow.paused) return;
    // Read here, not by the caller: the engine creates a request's signal on first read.
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs;
    await new Promise<void>((resolve, reject) => {
      let sleeping = waitMs > 0;
      let expired = false;
      const timer = sleeping
        ? setTimeout(() => {
            sleeping = false;
            check();
          }, waitMs)
        : undefined;
      const deadline =
        timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0
          ? setTimeout(() => {
              expired = true;
              check();
            }, timeoutMs)
          : undefined;
      // Unreferenced, as AbortSignal.timeout's timer is: a hung request alone keeps no process alive.
      deadline?.unref?.();
      const finish = (error?: OutboundError) => {
        clearTimeout(timer);
        clearTimeout(deadline);
        this.waiters.delete(check);
        signal?.removeEventListener("abort", check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (signal?.aborted || expired) return finish(abandoned());
        if (!this.isConnected) return finish(lostInFlight());
        if (sleeping || this.isHung || this.flow.paused) return;
        finish();
      };
      this.waiters.add(check);
      signal?.addEventListener("abort", check, { once: true });
      check();
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private emitFlow(): void {
    for (const listener of [...this.flowListeners]) listener({ ...this.flow });
  }
}

function misuse(message: string): OutboundError {
  return new OutboundError("INVALID_CONFIG", message, { transport: "memory" });
}

function take(queue: PendingFailure[]): InjectedError | undefined {
  const head = queue[0];
  if (!head) return undefined;
  head.remaining -= 1;
  if (head.remaining === 0) queue.shift();
  return head.error;
}

function abandoned(): OutboundError {
  return new OutboundError("TIMEOUT", "request abandoned by the producer before the broker answered", {
    transport: "memory",
    kind: "unknown-outcome",
  });
}

function lostInFlight(): OutboundError {
  return new OutboundError("BROKER_UNAVAILABLE", "connection lost while the request was in flight", {
    transport: "memory",
    kind: "unknown-outcome",
  });
}
