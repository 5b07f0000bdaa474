import type { RecordResult } from "../message/index.js";
import type { SendContext } from "../transport/index.js";
import type { Lane } from "./lane.js";
import type { PendingRecord } from "./pending.js";

/**
 * One request to the transport, and the {@link SendContext} the transport receives with it. The
 * abort signal is made the first time a transport reads it: an `AbortController` per request was
 * the largest single cost of a one-record request, and most transports only read the signal on
 * their slow paths.
 */
export class InFlightRequest implements SendContext {
  done = false;
  /** `performance.now()` after which the engine stops waiting for the answer. */
  readonly expiresAt: number;
  private controller: AbortController | undefined;
  private aborted = false;

  constructor(
    readonly lane: Lane,
    readonly records: PendingRecord[],
    readonly startedAt: number,
    readonly timeoutMs: number,
    private readonly onRecord: (request: InFlightRequest, index: number, result: RecordResult) => void,
  ) {
    this.expiresAt = startedAt + timeoutMs;
  }

  recordSettled(index: number, result: RecordResult): void {
    this.onRecord(this, index, result);
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
