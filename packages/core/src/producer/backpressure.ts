import type { BackpressureState } from "../transport/index.js";
import type { EngineContext } from "./context.js";

/**
 * The broker asking producers to wait (`transport.onBackpressure`): lanes stop sending while it
 * lasts (see the accumulator's drain) and are drained again once it resumes. Buffer pressure is
 * admission's; both reach the user as `backpressure` events through the observer.
 */
export class Backpressure {
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
    ctx.observe.brokerPressure(state);
    ctx.observe.backpressure(
      state.paused,
      state.reason ?? (state.paused ? "transport paused" : "transport resumed"),
    );
    if (!state.paused) this.resume();
  };
}
