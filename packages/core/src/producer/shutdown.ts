import { OutboundError } from "../errors/index.js";
import type { Accumulator } from "./accumulator.js";
import { type ClockTimer, withTimeout } from "./clock.js";
import type { Connection } from "./connection.js";
import type { EngineContext } from "./context.js";
import type { Sender } from "./sender.js";
import type { CloseResult, Undelivered } from "./types.js";

/**
 * flush() and close(). Both send what is queued without waiting for linger and wait until
 * nothing is outstanding; close() also refuses new sends, and past its timeout fails whatever is
 * left and returns it, each message with the reason, before closing the transport.
 */
export class Shutdown {
  private closeResult: Promise<CloseResult> | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly connection: Connection,
    private readonly accumulator: Accumulator,
    private readonly sender: Sender,
  ) {}

  async flush(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx.connected && ctx.outstanding.admitting.size === 0) return;
    ctx.flushing++;
    try {
      this.accumulator.drainAll();
      await ctx.outstanding.whenIdle();
    } finally {
      ctx.flushing--;
    }
  }

  close(timeoutMs: number): Promise<CloseResult> {
    this.closeResult ??= this.closeOnce(timeoutMs);
    return this.closeResult;
  }

  private async closeOnce(timeoutMs: number): Promise<CloseResult> {
    const ctx = this.ctx;
    const startedAt = ctx.clock.now();
    ctx.closing = true;
    this.accumulator.drainAll();
    let timer: ClockTimer | undefined;
    const timedOut = await Promise.race([
      ctx.outstanding.whenIdle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = ctx.clock.setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    ctx.clock.clearTimeout(timer);
    const undelivered: Undelivered[] = timedOut ? this.forceClose(timeoutMs) : [];
    this.accumulator.stopTimers();
    this.sender.stopTimer();
    const transport = this.connection.transport;
    if (transport && this.connection.started) {
      // close() keeps its own timeout too: a transport still dialling a silent broker would hold
      // it for its connect timeout. Past the budget the transport goes on closing by itself;
      // every message has settled by then.
      const remainingMs = Math.max(0, timeoutMs - (ctx.clock.now() - startedAt));
      await withTimeout(ctx.clock, transport.close(), remainingMs).catch((error: unknown) => {
        ctx.observe.closeFailed(error);
      });
    }
    ctx.observe.closed(undelivered.length);
    return { undelivered };
  }

  /** Fails everything still outstanding when close() gives up, and returns it to the caller. */
  private forceClose(timeoutMs: number): Undelivered[] {
    const ctx = this.ctx;
    ctx.forced = true;
    const undelivered: Undelivered[] = [];
    const closedBeforeSend = new OutboundError(
      "CLOSED",
      `producer closed before the message was sent (close timeout ${timeoutMs} ms)`,
      { transport: ctx.transportName, kind: "retriable" },
    );
    const admitting = ctx.outstanding.admitting;
    for (const entry of [...admitting]) {
      admitting.delete(entry);
      undelivered.push({ message: entry.message, error: closedBeforeSend });
      entry.reject(closedBeforeSend);
    }
    ctx.buffer.rejectAll(closedBeforeSend);
    // Array spreads, not push(...): a forced close can return more messages than a call takes arguments.
    const failed = [
      ...undelivered,
      ...this.sender.abandonAll(timeoutMs),
      ...this.accumulator.failQueued((p) =>
        p.lastError?.kind === "unknown-outcome" ? p.lastError : closedBeforeSend,
      ),
    ];
    ctx.outstanding.check();
    return failed;
  }
}
