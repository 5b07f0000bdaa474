import { OutboundError } from "@outbound/core";

/**
 * `INVALID_MESSAGE` for an event that is not a valid CloudEvent, naming the attribute in the
 * message and in `details.attribute`, so an application can tell which field to fix.
 */
export function invalidEvent(
  attribute: string,
  problem: string,
  transport?: string,
  cause?: unknown,
): OutboundError {
  return new OutboundError("INVALID_MESSAGE", `CloudEvent attribute "${attribute}" ${problem}`, {
    ...(transport === undefined ? {} : { transport }),
    ...(cause === undefined ? {} : { cause }),
    details: { attribute },
  });
}
