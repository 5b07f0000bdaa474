import { isRetried, OutboundError, toOutboundError } from "../errors/index.js";
import { backoffDelay } from "./backoff.js";
import type { EngineContext } from "./context.js";
import { timeoutName } from "./deadline-sweeper.js";
import type { Lane } from "./lane.js";
import { deadlineOf, type PendingRecord } from "./pending.js";
import type { Settlement } from "./settlement.js";

/**
 * What happens to a record the broker did not take: retried after one backoff draw while a
 * retried kind of error leaves time before its deadline, failed otherwise. Retries go back to
 * the front of their lane, which waits out the longest backoff among them before sending
 * anything behind them: per-key order holds under retries.
 */
export class RetryPolicy {
  constructor(
    private readonly ctx: EngineContext,
    private readonly settlement: Settlement,
  ) {}

  /** Judges one failed record: pushed on `retry` with its backoff drawn, or failed now. */
  judge(p: PendingRecord, error: OutboundError, now: number, retry: PendingRecord[]): void {
    const ctx = this.ctx;
    const e = this.remember(p, error);
    const deadline = deadlineOf(p, ctx.deliveryTimeoutMs);
    // The one draw for this retry: the deadline check and the wait use the same delay.
    const nextDelay = backoffDelay(ctx.options.retry, p.attempt);
    if (isRetried(e) && !ctx.forced && now + nextDelay < deadline) {
      p.extras().retryDelayMs = nextDelay;
      retry.push(p);
      return;
    }
    if (isRetried(e) && now + nextDelay >= deadline) {
      this.settlement.fail(
        p,
        new OutboundError(
          e.code === "TIMEOUT" ? "TIMEOUT" : e.code,
          `${e.reason} (gave up after ${p.attempt} attempt(s): ${timeoutName(p, ctx.deliveryTimeoutMs)}) would pass before the next retry)`,
          {
            transport: ctx.transportName,
            kind: e.kind,
            cause: e,
            brokerCode: e.brokerCode,
            details: { attempts: p.attempt },
          },
        ),
      );
      return;
    }
    this.settlement.fail(p, e);
  }

  /** A failure the transport reports as final (it did its own retries): no retry here. */
  failFinal(p: PendingRecord, error: OutboundError): void {
    this.settlement.fail(p, this.remember(p, error));
  }

  /** Puts the retries back at the front of their lane, behind the longest backoff drawn for them. */
  requeue(lane: Lane, retry: PendingRecord[], now: number): void {
    let delay = 0;
    for (const p of retry) {
      p.attempt++;
      p.state = "backoff";
      // The delay each record's deadline check was made with; the lane waits for the longest.
      const drawn = p.extra?.retryDelayMs ?? 0;
      if (drawn > delay) delay = drawn;
    }
    lane.retryAt = Math.max(lane.retryAt, now + delay);
    lane.requeueFront(retry);
    this.ctx.observe.retried(lane, retry, retry[0]!.lastError!, delay, "engine");
  }

  /** A transport that retries itself resends the same records: count the attempt on each. */
  retriedByTransport(lane: Lane, records: PendingRecord[], error: OutboundError, delayMs: number): void {
    const retried: PendingRecord[] = [];
    for (const p of records) {
      if (p.finished) continue;
      p.attempt++;
      const extra = p.extras();
      extra.lastError = error;
      extra.firstFailureAt ??= this.ctx.clock.epochMs();
      retried.push(p);
    }
    this.ctx.observe.retried(lane, retried, error, delayMs, "transport");
  }

  /** Keeps the failure on the record, so a later timeout can say whether the broker may hold it. */
  private remember(p: PendingRecord, error: OutboundError): OutboundError {
    const e =
      error instanceof OutboundError
        ? error
        : toOutboundError(error, "INTERNAL", { transport: this.ctx.transportName });
    const extra = p.extras();
    extra.lastError = e;
    extra.firstFailureAt ??= this.ctx.clock.epochMs();
    // The broker says the topic or partition does not exist: the cached partition count is wrong
    // (the topic was deleted, or recreated with fewer partitions), so the next send looks it up
    // again instead of trusting it until metadataMaxAgeMs, as Java's producer requests a metadata
    // update on UNKNOWN_TOPIC_OR_PARTITION.
    if (e.code === "UNKNOWN_DESTINATION") this.ctx.connected?.partitionCache.invalidate(p.topic);
    return e;
  }
}
