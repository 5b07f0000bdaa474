import type { OutboundError, Producer } from "@outbound/core";
import type { SentMessage } from "./counts.js";

export interface StreamOptions {
  producer: Producer;
  topic: string;
  keys: number;
  /** Messages per second offered, in 10 ms ticks. */
  ratePerSecond: number;
  /** Most sends outstanding at once; the stream waits beyond it, as a bounded application would. */
  maxOutstanding: number;
  /** Starts after `atMs`; the stream goes on while it runs and for `tailMs` after it healed. */
  fault: { atMs: number; run: () => Promise<void> };
  tailMs: number;
  /** Gives each message an `id` too, for transports that deduplicate by it (SQS FIFO, Pulsar). */
  withIds?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Streams keyed messages (value = the message's number, key = one of `keys`) without awaiting
 * each send, injects the fault mid-stream, keeps sending until `tailMs` after it healed, and
 * waits until every send settled. Returns what the producer said about each message and when.
 */
export async function streamThroughFault(options: StreamOptions): Promise<SentMessage[]> {
  const { producer, topic, keys, ratePerSecond, maxOutstanding } = options;
  const sent: SentMessage[] = [];
  const settling: Promise<unknown>[] = [];
  let outstanding = 0;
  const started = performance.now();
  let fault: Promise<void> | undefined;
  let healedAt: number | undefined;
  let faultError: unknown;
  const perTick = Math.max(1, Math.round(ratePerSecond / 100));
  for (let n = 0; healedAt === undefined || performance.now() - healedAt < options.tailMs; ) {
    if (!fault && performance.now() - started >= options.fault.atMs) {
      fault = options.fault.run().then(
        () => {
          healedAt = performance.now();
        },
        (error: unknown) => {
          faultError = error;
          healedAt = performance.now();
        },
      );
    }
    if (outstanding < maxOutstanding) {
      for (let i = 0; i < perTick && outstanding < maxOutstanding; i++, n++) {
        const key = `k${n % keys}`;
        const message: SentMessage = { n, key, sentAt: performance.now() };
        sent.push(message);
        outstanding++;
        settling.push(
          producer.send({ topic, key, value: String(n), ...(options.withIds ? { id: `m-${n}` } : {}) }).then(
            () => {
              message.settledAt = performance.now();
              message.outcome = "acked";
              outstanding--;
            },
            (error: OutboundError) => {
              message.settledAt = performance.now();
              message.outcome = "failed";
              message.kind = error.kind;
              message.code = error.code;
              outstanding--;
            },
          ),
        );
      }
    }
    await sleep(10);
  }
  await Promise.all(settling);
  if (faultError) throw faultError;
  return sent;
}
