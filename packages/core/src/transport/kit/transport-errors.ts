import { type ErrorCode, OutboundError, type OutboundErrorOptions } from "../../errors/index.js";

/** `OutboundError`s that carry one transport's name, so no call site can forget or misspell it. */
export interface TransportErrors {
  readonly transport: string;
  error(code: ErrorCode, message: string, options?: Omit<OutboundErrorOptions, "transport">): OutboundError;
  /** `CLOSED`: what a closed transport answers every call with. */
  closed(message?: string): OutboundError;
}

export function transportErrors(transport: string): TransportErrors {
  return {
    transport,
    error: (code, message, options = {}) => new OutboundError(code, message, { ...options, transport }),
    closed: (message = "transport is closed") => new OutboundError("CLOSED", message, { transport }),
  };
}
