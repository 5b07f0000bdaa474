import { createProducer } from "@outbound/core";
import { nullTransport } from "../drivers/null-transport.js";
import type { TrialResult, TrialSpec } from "../types.js";
import type { Payloads } from "../workload.js";

/**
 * Memory per buffered message: N messages sent and never acknowledged, weighed after GC. The
 * transport answers nothing, so every message stays in the engine (one batch in flight, the rest
 * in the partition's queue). Values are the shared pre-generated buffers, so what is measured is
 * the engine's own per-message overhead (record, pending entry, promise), not the payload.
 */
export async function measureBuffered(spec: TrialSpec, payloads: Payloads): Promise<TrialResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("buffered mode needs node --expose-gc");
  const hold = nullTransport({ hold: true });
  const held = spec.held ?? 100_000;
  const producer = createProducer({
    transport: hold,
    serializer: "bytes",
    acks: "all",
    bufferMaxBytes: Math.max(32 * 1024 * 1024, held * (spec.workload.size + 64) * 2),
    requestTimeoutMs: 3_600_000,
    deliveryTimeoutMs: 3_600_000,
  });
  await producer.connect();
  // Warm the paths so their one-off allocations (lane, caches, JIT) are not counted per message.
  // produce() holds no promise per message: what it weighs is the engine's own record alone.
  const ignore = (): void => {};
  // Held messages never settle, so send()'s promise is left without a handler: a catch() would
  // weigh a second promise per message.
  const hold1 = (message: { topic: string; value: Uint8Array; key?: Uint8Array }): void => {
    if (spec.produce) producer.produce(message, ignore);
    else void producer.send(message);
  };
  for (let i = 0; i < 100; i++) hold1({ topic: spec.topic, value: payloads.value(i) });
  await settle();
  const weigh = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = weigh();
  const rss0 = process.memoryUsage.rss();
  for (let i = 0; i < held; i++) {
    const key = payloads.key(i);
    hold1(
      key
        ? { topic: spec.topic, value: payloads.value(i), key }
        : { topic: spec.topic, value: payloads.value(i) },
    );
  }
  await settle();
  const after = weigh();
  const pending = producer.metrics().pending;
  const promiseBytes = spec.produce ? undefined : weighPromises(held, weigh);
  return {
    ok: true,
    messages: held,
    bytes: held * spec.workload.size,
    elapsedMs: 0,
    msgPerSec: 0,
    mbPerSec: 0,
    bytesPerBufferedMessage: (after - before) / held,
    ...(promiseBytes === undefined ? {} : { promiseBytes }),
    rssGrowthBytes: process.memoryUsage.rss() - rss0,
    notes: [`${pending} messages pending in the engine when weighed`],
  };
}

/**
 * Weighs `n` pending promises holding their resolve and reject functions, as the engine holds
 * them.
 */
function weighPromises(n: number, weigh: () => number): number {
  // Filled before weighing, so the arrays' own storage is not counted.
  const slots = <T>(): (T | null)[] => {
    const a: (T | null)[] = [];
    for (let i = 0; i < n; i++) a.push(null);
    return a;
  };
  const promises = slots<Promise<void>>();
  const resolves = slots<() => void>();
  const rejects = slots<(e: unknown) => void>();
  const before = weigh();
  for (let i = 0; i < n; i++) {
    promises[i] = new Promise<void>((resolve, reject) => {
      resolves[i] = resolve;
      rejects[i] = reject;
    });
  }
  const bytes = (weigh() - before) / n;
  // Keep them reachable until weighed.
  if (promises.length + resolves.length + rejects.length !== 3 * n) throw new Error("unreachable");
  return bytes;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
