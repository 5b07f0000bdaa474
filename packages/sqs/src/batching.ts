/** SQS's limit on entries per SendMessageBatch request. */
export const MAX_BATCH_ENTRIES = 10;

export interface Sized {
  /** The record's position in the engine's batch. */
  index: number;
  /** Size as SQS counts it. */
  sizeBytes: number;
}

export interface BatchLimits {
  maxEntries: number;
  maxBytes: number;
}

/**
 * Splits entries, in order, into SendMessageBatch requests of at most `maxEntries` entries and
 * `maxBytes` total. Order is kept so that a FIFO group's messages go out in the order given.
 * Every entry is expected to fit alone (mapping already failed larger ones).
 */
export function planRequests<T extends Sized>(entries: readonly T[], limits: BatchLimits): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (
      current.length > 0 &&
      (current.length >= limits.maxEntries || bytes + entry.sizeBytes > limits.maxBytes)
    ) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.sizeBytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
