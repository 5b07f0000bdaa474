import type { OutboundError } from "../errors/index.js";
import type { OutboundMessage } from "../message/index.js";
import type { Producer } from "../producer/types.js";
import type { DeadLetterTopic } from "./producer-sink.js";
import type { DeadLetterSink } from "./sink.js";

/**
 * The `deadLetter` producer option: exactly one of `topic` (same broker), `producer` (another
 * producer, e.g. another broker; with `topic` naming its destination) , `file` or `sink`.
 */
export interface DeadLetterOptions {
  topic?: DeadLetterTopic;
  producer?: Pick<Producer, "sendSerialized" | "transportName">;
  file?: string;
  sink?: DeadLetterSink;
  /**
   * Which failures go to the sink. Default: terminal errors (MESSAGE_TOO_LARGE, NOT_AUTHORIZED,
   * UNKNOWN_DESTINATION, ...) and TIMEOUT (ran past deliveryTimeoutMs).
   */
  when?: (error: OutboundError, message: OutboundMessage) => boolean;
}

export function defaultDeadLetterPredicate(error: OutboundError): boolean {
  return error.kind === "terminal" || error.code === "TIMEOUT";
}
