import { OutboundError, toOutboundError } from "../errors/index.js";
import type { OutboundRecord, RecordResult } from "../message/index.js";
import type { ClockTimer } from "./clock.js";
import type { EngineContext } from "./context.js";
import type { Lane } from "./lane.js";
import type { PendingRecord } from "./pending.js";
import type { Placement } from "./placement.js";
import { InFlightRequest, type RequestHooks } from "./request.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Settlement } from "./settlement.js";
import type { Undelivered } from "./types.js";

/**
 * Batches on their way (as Java's `Sender`): one request to the transport per batch, the request
 * timeout enforced here by one timer for every request in flight, and each record's result
 * handed to settlement or the retry policy when the request ends.
 */
export class Sender {
  readonly inFlight = new Set<InFlightRequest>();
  private timer: ClockTimer | undefined;
  private timerAt = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly placement: Placement,
    private readonly settlement: Settlement,
    private readonly retryPolicy: RetryPolicy,
    /** Called when a request ends and its lane may send again. */
    private readonly laneFreed: (lane: Lane) => void,
  ) {}

  dispatch(lane: Lane, records: PendingRecord[], now: number): void {
    const ctx = this.ctx;
    const { transport, partitionCache, limits } = ctx.connected!;
    const options = ctx.options;
    lane.inFlight++;
    let earliest = Number.POSITIVE_INFINITY;
    let bytes = 0;
    let stickyUsed = false;
    const batchRecords: OutboundRecord[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const p = records[i]!;
      p.state = "in-flight";
      if (p.startedAt < earliest) earliest = p.startedAt;
      bytes += p.sizeBytes;
      if (p.sticky) stickyUsed = true;
      batchRecords[i] = p;
    }
    const partitions = partitionCache.cached(lane.topic, now);
    if (stickyUsed) this.placement.batchSent(lane, partitions);
    // A transport that retries itself gets the time to the batch's deadline; the engine's own
    // timer then only ends what the transport did not settle by then.
    const untilDeadline = Math.ceil(earliest + ctx.deliveryTimeoutMs - now);
    const timeoutMs = Math.max(
      1,
      limits.transportRetries ? untilDeadline : Math.min(options.requestTimeoutMs, untilDeadline),
    );
    const request = limits.transportRetries
      ? new InFlightRequest(
          lane,
          records,
          now,
          timeoutMs,
          this.hooks,
          options.requestTimeoutMs,
          options.retry,
        )
      : new InFlightRequest(lane, records, now, timeoutMs, this.hooks);
    this.inFlight.add(request);
    this.watch(request.expiresAt);
    ctx.observe.dispatched(lane, records, bytes);
    let result: Promise<RecordResult[]>;
    try {
      result = transport.send(
        {
          topic: lane.topic,
          partition: lane.partition,
          acks: options.acks,
          records: batchRecords,
          partitions,
          schema: ctx.serializer.schema,
        },
        request,
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (results) => this.done(request, results, undefined),
      (error: unknown) =>
        this.done(
          request,
          undefined,
          toOutboundError(error, "BROKER_UNAVAILABLE", {
            transport: transport.name,
            kind: "unknown-outcome",
          }),
        ),
    );
  }

  /** Ends every request in flight (a forced close); returns what it failed, with the error. */
  abandonAll(timeoutMs: number): Undelivered[] {
    const undelivered: Undelivered[] = [];
    for (const request of [...this.inFlight]) {
      request.done = true;
      request.abort();
      this.inFlight.delete(request);
      request.lane.inFlight--;
      const error = new OutboundError(
        "TIMEOUT",
        `producer closed while the message was in flight (close timeout ${timeoutMs} ms); the broker may hold it`,
        { transport: this.ctx.transportName, kind: "unknown-outcome" },
      );
      for (const p of request.records) {
        if (p.finished) continue;
        undelivered.push({ message: p.message, error });
        this.settlement.fail(p, error);
      }
    }
    return undelivered;
  }

  stopTimer(): void {
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * A record the transport reported before its request finished. Successes settle now, so their
   * callers can send again while the request is still out; failures wait for the request's end,
   * where retries are put back in order.
   */
  private readonly hooks: RequestHooks = {
    onRecord: (request, index, result) => {
      if (request.done || result?.ok !== true) return;
      const p = request.records[index];
      if (p === undefined || p.finished) return;
      this.settlement.succeed(p, result, this.ctx.clock.now());
    },
    onRetry: (request, error, delayMs) =>
      this.retryPolicy.retriedByTransport(request.lane, request.records, error, delayMs),
  };

  /**
   * One timer watches every request in flight, armed for the earliest expiry: a timer per
   * request cost more than the rest of a small request's bookkeeping together.
   */
  private watch(expiresAt: number): void {
    const clock = this.ctx.clock;
    const timer = this.timer;
    if (timer !== undefined) {
      if (this.timerAt <= expiresAt) {
        if (!timer.hasRef()) timer.ref();
        return;
      }
      clock.clearTimeout(timer);
    }
    this.timerAt = expiresAt;
    this.timer = clock.setTimeout(this.onTimer, Math.max(0, Math.ceil(expiresAt - clock.now())));
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    // Timers may fire a fraction of a millisecond before the clock reaches the expiry they were set for.
    const now = this.ctx.clock.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const request of this.inFlight) {
      if (request.expiresAt <= now) this.timedOut(request);
      else if (request.expiresAt < next) next = request.expiresAt;
    }
    // Timeouts can lead to new requests (retries), which armed their own timer.
    if (next !== Number.POSITIVE_INFINITY) this.watch(next);
  };

  private timedOut(request: InFlightRequest): void {
    if (request.done) return;
    request.abort();
    const error = new OutboundError(
      "TIMEOUT",
      `no answer from the broker within ${request.timeoutMs} ms for ${request.records.length} record(s) to ${request.lane.topic}; the broker may hold them`,
      { transport: this.ctx.transportName, kind: "unknown-outcome" },
    );
    this.done(request, undefined, error);
  }

  private done(
    request: InFlightRequest,
    results: RecordResult[] | undefined,
    error: OutboundError | undefined,
  ): void {
    if (request.done) return;
    const ctx = this.ctx;
    request.done = true;
    this.inFlight.delete(request);
    // With nothing in flight the timer stays armed (re-arming per request is what it saves) but
    // stops holding the process open, as a finished request's own timer would have been cleared.
    if (this.inFlight.size === 0) this.timer?.unref();
    const { lane, records } = request;
    lane.inFlight--;
    ctx.observe.requestEnded(lane, records.length, request.startedAt, error);
    if (results !== undefined && (!Array.isArray(results) || results.length !== records.length)) {
      error = new OutboundError(
        "PROTOCOL_ERROR",
        `transport returned ${Array.isArray(results) ? results.length : "no"} results for ${records.length} records`,
        { transport: ctx.transportName, kind: "unknown-outcome" },
      );
      results = undefined;
    }
    const now = ctx.clock.now();
    const transportRetries = ctx.connected!.limits.transportRetries;
    const retry: PendingRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const p = records[i]!;
      if (p.finished) continue;
      const r = results ? results[i]! : undefined;
      if (r?.ok) this.settlement.succeed(p, r, now);
      else if (transportRetries) this.retryPolicy.failFinal(p, r ? r.error : error!);
      else this.retryPolicy.judge(p, r ? r.error : error!, now, retry);
    }
    if (retry.length > 0) this.retryPolicy.requeue(lane, retry, now);
    if (lane.queue.length > 0) this.laneFreed(lane);
    ctx.outstanding.check();
  }
}
