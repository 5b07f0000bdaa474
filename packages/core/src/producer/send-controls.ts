import { OutboundError } from "../errors/index.js";
import type { EngineContext } from "./context.js";
import type { DeadlineSweeper } from "./deadline-sweeper.js";
import type { PendingRecord } from "./pending.js";
import type { Settlement } from "./settlement.js";
import type { SendOptions } from "./types.js";

const OPTION_NAMES = new Set(["timeoutMs", "signal"]);

/**
 * A send's own `timeoutMs` and abort `signal` (`send(message, { timeoutMs, signal })`). Most sends
 * have neither and pay nothing: the lanes' one deadline sweeper serves `deliveryTimeoutMs`. A
 * send that has them gets its own timer and abort listener, which fail that message alone
 * wherever it is (waiting, queued, in backoff or in flight), never its batch mates, and are
 * removed when it settles.
 */
export class SendControls {
  constructor(
    private readonly ctx: EngineContext,
    private readonly settlement: Settlement,
    private readonly deadlines: DeadlineSweeper,
  ) {}

  /** Checks a send's options; throws INVALID_MESSAGE, or ABORTED for a signal already aborted. */
  read(options: unknown): SendOptions | undefined {
    if (options === undefined) return undefined;
    const name = this.ctx.transportName;
    if (typeof options !== "object" || options === null) {
      throw new OutboundError(
        "INVALID_MESSAGE",
        `send options must be an object, got ${options === null ? "null" : typeof options}`,
        {
          transport: name,
        },
      );
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.has(key)) {
        throw new OutboundError(
          "INVALID_MESSAGE",
          `unknown send option "${key}"; the options are timeoutMs and signal`,
          {
            transport: name,
          },
        );
      }
    }
    const { timeoutMs, signal } = options as SendOptions;
    const max = this.ctx.deliveryTimeoutMs;
    if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > max)) {
      throw new OutboundError(
        "INVALID_MESSAGE",
        `send option timeoutMs must be a whole number of milliseconds from 1 to deliveryTimeoutMs (${max}), got ${String(timeoutMs)}`,
        { transport: name },
      );
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new OutboundError("INVALID_MESSAGE", "send option signal must be an AbortSignal", {
        transport: name,
      });
    }
    if (signal?.aborted) throw this.abortedError("before it was sent", "retriable");
    if (timeoutMs === undefined && signal === undefined) return undefined;
    return { timeoutMs, signal };
  }

  /** Watches an enqueued record's own deadline and signal until it settles. */
  watch(p: PendingRecord, options: SendOptions): void {
    const { clock } = this.ctx;
    const { timeoutMs, signal } = options;
    const extra = p.extras();
    extra.timeoutMs = timeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : clock.setTimeout(
            () => this.deadlinePassed(p),
            Math.max(0, Math.ceil(p.startedAt + timeoutMs - clock.now())),
          );
    // Like the sweeper's, it does not hold the process open: a request in flight does.
    timer?.unref();
    const onAbort = signal ? () => this.aborted(p) : undefined;
    if (signal && onAbort) signal.addEventListener("abort", onAbort, { once: true });
    extra.unwatch = () => {
      clock.clearTimeout(timer);
      if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    };
  }

  /**
   * Listens to the signal of a send still waiting to reach a lane; `cancel` rejects the wait.
   * Returns what stops listening.
   */
  watchWaiting(
    signal: AbortSignal | undefined,
    cancel: (error: OutboundError) => void,
  ): (() => void) | undefined {
    if (!signal) return undefined;
    const onAbort = () => cancel(this.abortedError("before it was sent", "retriable"));
    signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  }

  private deadlinePassed(p: PendingRecord): void {
    if (p.finished) return;
    const ctx = this.ctx;
    const error =
      p.state === "in-flight"
        ? new OutboundError(
            "TIMEOUT",
            `no answer from the broker within the send's timeoutMs (${p.extra?.timeoutMs} ms); the broker may hold it`,
            { transport: ctx.transportName, kind: "unknown-outcome", cause: p.lastError },
          )
        : this.deadlines.expired(p, ctx.clock.now());
    this.settlement.fail(p, error);
    ctx.outstanding.check();
  }

  private aborted(p: PendingRecord): void {
    if (p.finished) return;
    const mayBeHeld = p.state === "in-flight" || p.lastError?.kind === "unknown-outcome";
    const error = mayBeHeld
      ? this.abortedError(p.state === "in-flight" ? "while in flight" : "between retries", "unknown-outcome")
      : this.abortedError(p.state === "backoff" ? "between retries" : "before it was sent", "retriable");
    this.settlement.fail(p, error);
    this.ctx.outstanding.check();
  }

  private abortedError(when: string, kind: "retriable" | "unknown-outcome"): OutboundError {
    const outcome = kind === "retriable" ? "the broker does not hold it" : "the broker may hold it";
    return new OutboundError("ABORTED", `send aborted by its signal ${when}; ${outcome}`, {
      transport: this.ctx.transportName,
      kind,
    });
  }
}
