import { createHash } from "node:crypto";

/** FIFO queue names end in `.fifo`; SQS requires it. */
export function isFifoQueueName(name: string): boolean {
  return name.endsWith(".fifo");
}

/** SQS's window for `MessageDeduplicationId`: a repeat within it is accepted and dropped. */
export const FIFO_DEDUP_WINDOW_MS = 5 * 60 * 1000;

/** MessageGroupId and MessageDeduplicationId: 1-128 characters, alphanumeric or ASCII punctuation. */
const TOKEN = /^[\x21-\x7e]{1,128}$/;

/**
 * Turns a key or id into a valid MessageGroupId / MessageDeduplicationId. Values SQS accepts
 * pass unchanged, so consumers see the application's own key; any other value (spaces, non-ASCII,
 * binary, longer than 128) becomes the base64url SHA-256 of its bytes. The mapping is a
 * function of the bytes alone, so equal keys share a group and a retried id deduplicates.
 */
export function fifoToken(value: Uint8Array | string): string {
  const text = typeof value === "string" ? value : Buffer.from(value).toString("latin1");
  if (TOKEN.test(text)) return text;
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return createHash("sha256").update(bytes).digest("base64url");
}
