import type { OutboundError } from "../errors/index.js";
import type { Headers, OutboundMessage } from "../message/index.js";

/** A message that failed, with the bytes that were (or would have been) sent. */
export interface DeadLetterEntry {
  /** The message as the application passed it to `send()`. */
  message: OutboundMessage;
  topic: string;
  partition: number | undefined;
  key: Uint8Array | undefined;
  value: Uint8Array;
  /** The outgoing headers, without the dead-letter headers. */
  headers: Headers;
  contentType: string;
  error: OutboundError;
  attempts: number;
  /** Epoch milliseconds of the first failed attempt. */
  firstFailureAt: number;
}

/** Where dead letters go. `write` resolves with a description of where the entry landed. */
export interface DeadLetterSink {
  /** For logs and errors, e.g. `kafka:orders.dlq` or `file:/var/lib/app/dead-letters.jsonl`. */
  readonly description: string;
  write(entry: DeadLetterEntry): Promise<string>;
}
