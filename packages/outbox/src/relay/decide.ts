import { type OutboundError, toOutboundError } from "@outbound/core";
import type { OutboxRow } from "../message/outbox-message.js";
import type { RowOutcome } from "../store/store.js";

export interface FailurePolicy {
  strictOrder: boolean;
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

/** Errors that stay in the message text kept in the table are cut to this length. */
const MAX_ERROR_TEXT = 1024;

/**
 * What a failed send means for its row. A terminal failure (the broker can never take it:
 * too large, not authorized, unknown destination, ...) is final: dead-lettered, or parked under
 * `strictOrder`. Anything else (broker down, timeout, throttled, unknown outcome) may pass, so
 * the row waits and is sent again, until `maxAttempts` makes it final too. `undefined`: the
 * producer was closed under the relay, which says nothing about the row; it is left as it was.
 */
export function decideFailure(
  row: OutboxRow,
  thrown: unknown,
  policy: FailurePolicy,
  now: number,
): RowOutcome | undefined {
  const error: OutboundError = toOutboundError(thrown, "INTERNAL");
  if (error.code === "CLOSED") return undefined;
  const attempts = row.attempts + 1;
  const text = error.message.slice(0, MAX_ERROR_TEXT);
  if (error.kind === "terminal" || attempts >= policy.maxAttempts) {
    return policy.strictOrder
      ? { seq: row.seq, kind: "parked", errorCode: error.code, error: text }
      : {
          seq: row.seq,
          kind: "dead",
          errorCode: error.code,
          error: text,
          destination: error.deadLetter?.destination,
        };
  }
  const backoff = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** (attempts - 1));
  // Jitter keeps relays that failed together from retrying together.
  const delay = backoff / 2 + Math.random() * (backoff / 2);
  return {
    seq: row.seq,
    kind: "retry",
    availableAt: now + Math.round(delay),
    error: `${error.code}: ${text}`,
  };
}
