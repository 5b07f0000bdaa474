import type { OutboundError } from "../errors/index.js";
import type { RecordResult } from "../message/index.js";
import type { SendContext } from "../transport/index.js";
import type { BackoffPolicy } from "./backoff.js";
import type { Lane } from "./lane.js";
import type { PendingRecord } from "./pending.js";

/** How long after its deadline the engine stops waiting for a transport that retries itself. */
export const TRANSPORT_DEADLINE_GRACE_MS = 25;

/** What the engine does when a transport reports from inside a request. */
export interface RequestHooks {
  onRecord(request: InFlightRequest, index: number, result: RecordResult): void;
  onRetry(request: InFlightRequest, error: OutboundError, delayMs: number): void;
}

/**
 * One request to the transport, and the {@link SendContext} the transport receives with it. The
 * abort signal is made the first time a transport reads it: an `AbortController` per request was
 * the largest single cost of a one-record request, and most transports only read the signal on
 * their slow paths.
 */
export class InFlightRequest implements SendContext {
  done = false;
  /** `clock.now()` after which the engine stops waiting for the answer. */
  readonly expiresAt: number;
  private controller: AbortController | undefined;
  private aborted = false;

  constructor(
    readonly lane: Lane,
    readonly records: PendingRecord[],
    readonly startedAt: number,
    readonly timeoutMs: number,
    private readonly hooks: RequestHooks,
    /** Set for transports that retry themselves; see {@link SendContext.requestTimeoutMs}. */
    readonly requestTimeoutMs?: number,
    readonly retry?: BackoffPolicy,
  ) {
    // A transport that retries itself settles its batch at the deadline; the engine's timer only
    // ends what it did not settle, a moment later, so the transport's own verdict comes first.
    this.expiresAt =
      startedAt + timeoutMs + (requestTimeoutMs === undefined ? 0 : TRANSPORT_DEADLINE_GRACE_MS);
  }

  recordSettled(index: number, result: RecordResult): void {
    this.hooks.onRecord(this, index, result);
  }

  retrying(error: OutboundError, delayMs: number): void {
    if (!this.done) this.hooks.onRetry(this, error, delayMs);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** Aborts the signal; one first read after this is already aborted. */
  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}
