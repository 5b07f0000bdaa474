import { OutboundError } from "@outbound/core";

/**
 * The `OutboundError` that `run` throws, for asserting on its code, kind and message. Fails
 * with a message saying what happened instead when `run` returns, or throws something that is
 * not an `OutboundError` (a bare Error is a bug: bad input must get a typed error).
 */
export function thrownOutboundError(run: () => unknown): OutboundError {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw new Error(`expected an OutboundError, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected an OutboundError, but it returned ${String(result)}`);
}
