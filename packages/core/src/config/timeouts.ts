import type { ResolvedProducerOptions } from "./schema.js";

/**
 * The deadline model: `deliveryTimeoutMs` bounds everything from `send()` to settlement, so one
 * request (after lingering) must fit inside it. As Kafka's Java client does for
 * `delivery.timeout.ms >= linger.ms + request.timeout.ms`:
 *
 * - both given and they do not fit: a problem, reported as `INVALID_CONFIG`;
 * - only `deliveryTimeoutMs` given: the request timeout shrinks to what fits;
 * - only `requestTimeoutMs` (or `lingerMs`) given: the delivery timeout grows to hold one request.
 *
 * Adjusts `options` in place and returns the problems, each naming its fields.
 */
export function resolveTimeouts(options: ResolvedProducerOptions, given: Record<string, unknown>): string[] {
  const { lingerMs, deliveryTimeoutMs, requestTimeoutMs } = options;
  if (deliveryTimeoutMs >= lingerMs + requestTimeoutMs) return [];
  const deliveryGiven = given.deliveryTimeoutMs !== undefined;
  const requestGiven = given.requestTimeoutMs !== undefined;
  if (deliveryGiven && requestGiven) {
    return [
      `deliveryTimeoutMs: ${deliveryTimeoutMs} ms cannot hold lingerMs (${lingerMs}) + requestTimeoutMs (${requestTimeoutMs}); it must be at least ${lingerMs + requestTimeoutMs}, or requestTimeoutMs at most ${deliveryTimeoutMs - lingerMs}`,
    ];
  }
  if (deliveryGiven) {
    if (deliveryTimeoutMs <= lingerMs) {
      return [`deliveryTimeoutMs: ${deliveryTimeoutMs} ms must be more than lingerMs (${lingerMs})`];
    }
    options.requestTimeoutMs = deliveryTimeoutMs - lingerMs;
    return [];
  }
  options.deliveryTimeoutMs = lingerMs + requestTimeoutMs;
  return [];
}
