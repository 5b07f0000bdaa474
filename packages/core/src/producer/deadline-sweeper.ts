import { OutboundError } from "../errors/index.js";
import type { ClockTimer } from "./clock.js";
import type { EngineContext } from "./context.js";
import type { Lane } from "./lane.js";
import { deadlineOf, type PendingRecord } from "./pending.js";
import type { Settlement } from "./settlement.js";

/**
 * Queued records past their deadline are failed by one timer armed for the earliest head's
 * deadline; ticks closer together than this are merged, so a paused backlog does not wake the
 * loop per record.
 */
const DEADLINE_TICK_MS = 2;

/**
 * Fails queued records at their delivery deadline even when their lane cannot send (paused,
 * backoff, in-flight limit). Records sit in a lane in the order they were accepted (retries go
 * back to the front), so each lane's head holds its earliest deadline and one timer serves all.
 */
export class DeadlineSweeper {
  private timer: ClockTimer | undefined;
  private timerAt = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly lanes: readonly Lane[],
    private readonly settlement: Settlement,
  ) {}

  /**
   * Arms the timer for `at` unless it already fires earlier. New sends have later deadlines than
   * the armed one, so on the hot path this is one comparison.
   */
  watch(at: number): void {
    const clock = this.ctx.clock;
    if (this.timer !== undefined) {
      if (this.timerAt <= at) return;
      clock.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = clock.setTimeout(this.sweep, Math.max(0, Math.ceil(at - clock.now())));
    // It does not hold the process open by itself: a request in flight does, through its own timer.
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Why a record never reached the broker in time, or may have: the last error says which. */
  expired(p: PendingRecord, now: number): OutboundError {
    const mayBeHeld = p.lastError?.kind === "unknown-outcome";
    const last = p.lastError ? `; last error: ${p.lastError.reason}` : "";
    return new OutboundError(
      "TIMEOUT",
      `not delivered within ${timeoutName(p, this.ctx.deliveryTimeoutMs)}, ${Math.round(now - p.startedAt)} ms elapsed, ${p.attempt} attempt(s))${last}`,
      {
        transport: this.ctx.transportName,
        kind: mayBeHeld ? "unknown-outcome" : "retriable",
        cause: p.lastError,
      },
    );
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const { clock, deliveryTimeoutMs } = this.ctx;
    // Timers may fire a fraction of a millisecond early; a deadline within 1 ms counts as reached.
    const now = clock.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      let head = lane.queue.peek();
      while (head && (head.finished || now >= deadlineOf(head, deliveryTimeoutMs))) {
        lane.shift();
        if (!head.finished) this.settlement.fail(head, this.expired(head, clock.now()));
        head = lane.queue.peek();
      }
      if (head) next = Math.min(next, deadlineOf(head, deliveryTimeoutMs));
    }
    if (next !== Number.POSITIVE_INFINITY) this.watch(Math.max(next, now - 1 + DEADLINE_TICK_MS));
    this.ctx.outstanding.check();
  };
}

/** How an error names the deadline that passed: the send's own, or the producer's. */
export function timeoutName(p: PendingRecord, deliveryTimeoutMs: number): string {
  const own = p.extra?.timeoutMs;
  return own === undefined ? `deliveryTimeoutMs (${deliveryTimeoutMs} ms` : `the send's timeoutMs (${own} ms`;
}
