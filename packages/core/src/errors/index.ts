export { DEFAULT_KIND, ERROR_CODES, type ErrorCode, type ErrorKind } from "./codes.js";
export {
  type DeadLetterOutcome,
  isOutboundError,
  OutboundError,
  type OutboundErrorOptions,
  toOutboundError,
} from "./outbound-error.js";
export { isRetried, RETRIED_KINDS } from "./retried-kinds.js";
