import type { ErrorKind } from "./codes.js";
import type { OutboundError } from "./outbound-error.js";

/**
 * The kinds of failure the producer tries again, until the message's delivery deadline: the one
 * definition the engine's sends, its connect and its partition lookups all use.
 *
 * `unknown-outcome` is among them: the producer is at-least-once, so a request that may or may not
 * have been stored is sent again (brokers with dedup drop the copy). That is why this is not
 * {@link OutboundError.retriable}, which answers a different question: whether sending again
 * cannot store the message twice.
 */
export const RETRIED_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "retriable",
  "throttled",
  "unknown-outcome",
]);

export function isRetried(error: OutboundError): boolean {
  return RETRIED_KINDS.has(error.kind);
}
