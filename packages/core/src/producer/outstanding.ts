import type { OutboundError } from "../errors/index.js";
import type { OutboundMessage } from "../message/index.js";
import type { ClockTimer } from "./clock.js";

/** A send accepted but not yet in a lane; close() or its deadline rejects it through `reject`. */
export interface AdmittingEntry {
  message: OutboundMessage;
  reject: (e: OutboundError) => void;
  /** What the send waits for, for the error its deadline gives. */
  waitingFor: string;
  deadlineTimer: ClockTimer | undefined;
  /** Stops listening to the send's abort signal, if it has one. */
  unwatch: (() => void) | undefined;
}

/**
 * What flush() and close() wait for: sends still being admitted, records in lanes or in flight,
 * and dead-letter copies being written. Each stage counts its own in and out; whoever takes a
 * count to zero calls {@link check}.
 */
export class Outstanding {
  /** Records from their lane until they settle. */
  pending = 0;
  /** `send()` calls accepted but not yet in a lane (waiting for metadata, buffer or serializer). */
  readonly admitting = new Set<AdmittingEntry>();
  /** Dead-letter writes under way; their `send()` rejects once each finishes. */
  deadLettering = 0;
  private readonly waiters: (() => void)[] = [];

  get idle(): boolean {
    return this.pending === 0 && this.admitting.size === 0 && this.deadLettering === 0;
  }

  /**
   * Resolves once nothing is outstanding, after a macrotask turn, so every `send()` promise (some
   * wrap the settled one in further async steps) has settled before `flush()`/`close()` returns.
   */
  async whenIdle(): Promise<void> {
    if (!this.idle) await new Promise<void>((resolve) => this.waiters.push(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  check(): void {
    if (!this.idle) return;
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }
}
