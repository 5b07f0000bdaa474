import type { OutboundError, Producer } from "@outbound/core";
import type { SentMessage } from "./counts.js";

export interface StreamOptions {
  producer: Producer;
  topic: string;
  messages: number;
  keys: number;
  /** Messages per second offered, in 10 ms ticks. */
  ratePerSecond: number;
  /** Most sends outstanding at once; the stream waits beyond it, as a bounded application would. */
  maxOutstanding: number;
  /** Starts after `atMs`; the stream goes on while it runs. Resolves when the fault is healed. */
  fault: { atMs: number; run: () => Promise<void> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Streams keyed messages (value = the message's number, key = one of `keys`) without awaiting
 * each send, injects the fault mid-stream, and waits until every send settled. Returns what the
 * producer said about each message and when.
 */
export async function streamThroughFault(
  options: StreamOptions,
): Promise<{ sent: SentMessage[]; faultDone: Promise<void> }> {
  const { producer, topic, messages, keys, ratePerSecond, maxOutstanding } = options;
  const sent: SentMessage[] = [];
  const settling: Promise<unknown>[] = [];
  let outstanding = 0;
  const started = performance.now();
  let faultDone: Promise<void> | undefined;
  const perTick = Math.max(1, Math.round(ratePerSecond / 100));
  for (let n = 0; n < messages; ) {
    if (!faultDone && performance.now() - started >= options.fault.atMs) faultDone = options.fault.run();
    if (outstanding >= maxOutstanding) {
      await sleep(5);
      continue;
    }
    for (let i = 0; i < perTick && n < messages && outstanding < maxOutstanding; i++, n++) {
      const key = `k${n % keys}`;
      const message: SentMessage = { n, key, sentAt: performance.now() };
      sent.push(message);
      outstanding++;
      settling.push(
        producer.send({ topic, key, value: String(n) }).then(
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
    await sleep(10);
  }
  faultDone ??= options.fault.run();
  await Promise.all(settling);
  return { sent, faultDone };
}
