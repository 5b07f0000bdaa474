import type { BackpressureState } from "../transport/index.js";
import type { EngineContext } from "./context.js";

/**
 * The two kinds of pressure a producer reports: the broker asking producers to wait (lanes stop
 * sending until it resumes) and the buffer filling up. Both are `backpressure` events; buffer
 * pressure can hit every send, so it is logged at most once a second.
 */
export class Backpressure {
  private lastLog = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: EngineContext,
    /** Drains the lanes again once the broker resumes. */
    private readonly resume: () => void,
  ) {}

  /** The transport's `onBackpressure` callback. */
  readonly fromTransport = (state: BackpressureState): void => {
    const ctx = this.ctx;
    const wasPaused = ctx.paused.paused;
    ctx.paused = state;
    if (wasPaused === state.paused) return;
    ctx.logger.warn(
      { paused: state.paused, reason: state.reason },
      state.paused ? "broker asked to pause" : "broker resumed",
    );
    this.report(state.paused, state.reason ?? (state.paused ? "transport paused" : "transport resumed"));
    if (!state.paused) this.resume();
  };

  report(paused: boolean, reason: string): void {
    const ctx = this.ctx;
    const buffer = ctx.buffer;
    ctx.emitIf("backpressure", { paused, reason, bufferedBytes: buffer.usedBytes });
    const now = ctx.clock.now();
    if (paused && now - this.lastLog >= 1000) {
      this.lastLog = now;
      ctx.logger.warn(
        {
          reason,
          bufferedBytes: buffer.usedBytes,
          bufferMaxBytes: buffer.maxBytes,
          waiting: buffer.waiting,
        },
        `producer under backpressure: ${reason}`,
      );
    }
  }
}
