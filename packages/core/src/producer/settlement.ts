import { OutboundError, toOutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage, RecordSuccess } from "../message/index.js";
import type { EngineContext } from "./context.js";
import type { DeadLetters } from "./dead-lettering.js";
import type { DeliveryCallback, PendingRecord } from "./pending.js";

/**
 * The end of every message, exactly once: acknowledged with its delivery report, failed (through
 * the dead-letter path when one is configured and wants it), or refused before it reached a lane.
 * The buffer space is given back here and nowhere else.
 */
export class Settlement {
  /** `produce()` callbacks due, called together after the current step (see {@link tell}). */
  private due: PendingRecord[] = [];
  private dueOutcomes: (DeliveryReport | OutboundError)[] = [];
  private dueQueued = false;
  /** `produce()` sends refused before they reached a lane, told with the callbacks due. */
  private refusedCallbacks: DeliveryCallback[] = [];
  private refusedErrors: OutboundError[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly deadLetters: DeadLetters,
  ) {}

  succeed(p: PendingRecord, r: RecordSuccess, now: number): void {
    const ctx = this.ctx;
    p.state = "settled";
    this.release(p);
    const report: DeliveryReport = {
      topic: p.topic,
      partition: r.partition ?? (ctx.connected!.caps.partitioned ? p.partition : undefined),
      offset: r.offset,
      messageId: r.messageId,
      timestamp: r.timestamp ?? p.timestamp,
      attempts: p.attempt,
      acknowledged: r.acknowledged ?? ctx.options.acks !== "none",
      latencyMs: now - p.startedAt,
    };
    this.tell(p, report);
    ctx.observe.acked(p, report);
  }

  /** Fails a record that reached a lane; a no-op if it already left the pipeline. */
  fail(p: PendingRecord, error: OutboundError): void {
    if (p.finished) return;
    const ctx = this.ctx;
    p.state = "settled";
    this.release(p);
    ctx.observe.failed(p, error);
    if (p.deadLetterable && this.deadLetters.wanted(error, p.message)) {
      p.state = "dead-lettering";
      const firstFailure = p.extra?.firstFailureAt ?? ctx.clock.epochMs();
      this.deadLetters.write(p.message, p, error, p.attempt, firstFailure).then((final) => {
        p.state = "settled";
        this.tell(p, final);
        ctx.observe.failureReported(p.message, final);
      });
      return;
    }
    this.tell(p, error);
    ctx.observe.failureReported(p.message, error);
  }

  /** Fails a message that never reached a lane; dead-letters it when its bytes exist. */
  refuse(message: OutboundMessage, record: PendingRecord | undefined, error: unknown): Promise<never> {
    const outcome = this.refused(message, record, error);
    return outcome instanceof Promise ? outcome : Promise.reject(outcome);
  }

  /**
   * `refuse` for `produce()`: the same accounting, with the error given to `callback` after the
   * current step, with the other callbacks due, instead of through a rejected promise the caller
   * then reads. Under overload most sends are refused, and a rejected promise, its reaction and
   * Node's rejection tracking cost more than the rest of a refusal. Returns the dead-letter
   * write's promise instead when the message is dead-lettered; the callback is then the caller's.
   */
  refuseTo(
    callback: DeliveryCallback,
    message: OutboundMessage,
    record: PendingRecord | undefined,
    error: unknown,
  ): Promise<never> | undefined {
    const outcome = this.refused(message, record, error);
    if (outcome instanceof Promise) return outcome;
    this.refusedCallbacks.push(callback);
    this.refusedErrors.push(outcome);
    this.queueDue();
    return undefined;
  }

  /** A refusal's accounting: the error, or the promise of its dead-letter write. */
  private refused(
    message: OutboundMessage,
    record: PendingRecord | undefined,
    error: unknown,
  ): OutboundError | Promise<never> {
    const ctx = this.ctx;
    const e = toOutboundError(error, "INTERNAL", { transport: ctx.transportName });
    ctx.observe.refused(record, e);
    if (record?.placed && record.deadLetterable && this.deadLetters.wanted(e, message)) {
      record.state = "dead-lettering";
      return this.deadLetters.write(message, record, e, 1, ctx.clock.epochMs()).then((final) => {
        record.state = "settled";
        ctx.observe.failureReported(message, final);
        throw final;
      });
    }
    if (record) record.state = "settled";
    ctx.observe.failureReported(message, e);
    return e;
  }

  /**
   * Gives the sender the outcome. A promise's `resolve` is called now (its reactions run later
   * anyway). A `produce()` callback is user code: it runs after the engine's current step, so a
   * callback that sends, flushes or closes never runs inside a lane's bookkeeping, and a throw is
   * contained like a listener's.
   */
  private tell(p: PendingRecord, outcome: DeliveryReport | OutboundError): void {
    if (!p.usesCallback) {
      if (outcome instanceof OutboundError) p.reject(outcome);
      else p.deliver(outcome);
      return;
    }
    this.due.push(p);
    this.dueOutcomes.push(outcome);
    this.queueDue();
  }

  private queueDue(): void {
    if (!this.dueQueued) {
      this.dueQueued = true;
      queueMicrotask(this.callDue);
    }
  }

  private readonly callDue = (): void => {
    const records = this.due;
    const outcomes = this.dueOutcomes;
    const refused = this.refusedCallbacks;
    const refusals = this.refusedErrors;
    this.due = [];
    this.dueOutcomes = [];
    this.refusedCallbacks = [];
    this.refusedErrors = [];
    this.dueQueued = false;
    for (let i = 0; i < records.length; i++) {
      const outcome = outcomes[i]!;
      try {
        if (outcome instanceof OutboundError) records[i]!.reject(outcome);
        else records[i]!.deliver(outcome);
      } catch (error) {
        this.ctx.userCode.threw("send callback", error);
      }
    }
    for (let i = 0; i < refused.length; i++) {
      try {
        refused[i]!(refusals[i]!, undefined);
      } catch (error) {
        this.ctx.userCode.threw("send callback", error);
      }
    }
  };

  private release(p: PendingRecord): void {
    this.ctx.outstanding.pending--;
    this.ctx.buffer.release(p.sizeBytes);
  }
}
