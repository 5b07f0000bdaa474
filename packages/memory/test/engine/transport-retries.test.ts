/**
 * The engine with a transport that resends failed batches itself (`capabilities.retries:
 * "transport"`, as Kafka's must to keep its sequence numbers): the engine hands over the time to
 * the delivery deadline, counts the transport's attempts, and never re-batches a failure.
 */
import {
  type Capabilities,
  createProducer,
  OutboundError,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  type Transport,
} from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";
import { rejection } from "./rejection.js";

const producers: { close(o?: { timeoutMs?: number }): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 200 })));
});

/** A transport whose `send` is the test's; its capabilities are the memory transport's, retrying itself. */
function retryingTransport(send: (batch: RecordBatch, context: SendContext) => Promise<RecordResult[]>) {
  const capabilities: Capabilities = { ...memoryTransport().capabilities, retries: "transport" };
  const calls: { batch: RecordBatch; context: SendContext }[] = [];
  const transport: Transport = {
    name: "retrying",
    capabilities,
    connect: async () => undefined,
    partitions: async () => 1,
    send: (batch, context) => {
      calls.push({ batch, context });
      return send(batch, context);
    },
    close: async () => undefined,
  };
  return { transport, calls };
}

const ok = (batch: RecordBatch): RecordResult[] =>
  batch.records.map((_, i) => ({ ok: true, offset: String(i) }));

describe("a transport that retries itself", () => {
  it("gets the time to the delivery deadline, the request timeout and the backoff", async () => {
    const { transport, calls } = retryingTransport(async (batch) => ok(batch));
    const producer = createProducer({
      transport,
      deliveryTimeoutMs: 5000,
      requestTimeoutMs: 700,
      retry: { initialMs: 10, maxMs: 50 },
    });
    producers.push(producer);
    await producer.send({ topic: "t", value: 1 });
    const { context } = calls[0]!;
    expect(context.timeoutMs).toBeGreaterThan(4900);
    expect(context.timeoutMs).toBeLessThanOrEqual(5000);
    expect(context.requestTimeoutMs).toBe(700);
    expect(context.retry).toMatchObject({ initialMs: 10, maxMs: 50 });
  });

  it("counts each resend it reports on every record, in the report, the metrics and retry events", async () => {
    const { transport, calls } = retryingTransport(async (batch, context) => {
      const error = new OutboundError("BROKER_UNAVAILABLE", "leader moved", { kind: "unknown-outcome" });
      context.retrying?.(error, 5);
      context.retrying?.(error, 10);
      return ok(batch);
    });
    const producer = createProducer({ transport });
    producers.push(producer);
    const events: number[] = [];
    producer.on("retry", (e) => events.push(e.attempt));
    const reports = await Promise.all([
      producer.send({ topic: "t", value: 1 }),
      producer.send({ topic: "t", value: 2 }),
    ]);
    expect(calls).toHaveLength(1);
    expect(reports.map((r) => r.attempts)).toEqual([3, 3]);
    expect(producer.metrics().retries).toBe(4);
    expect(events.sort()).toEqual([2, 2, 3, 3]);
  });

  it("takes a failure it reports as final: the engine sends nothing again", async () => {
    const { transport, calls } = retryingTransport(async (batch) =>
      batch.records.map(() => ({
        ok: false,
        error: new OutboundError("TIMEOUT", "gave up at the deadline", { kind: "unknown-outcome" }),
      })),
    );
    const producer = createProducer({ transport, retry: { initialMs: 1, maxMs: 1 } });
    producers.push(producer);
    const error = await rejection(producer.send({ topic: "t", value: 1 }));
    expect(error).toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(1);
  });

  it("ends a request the transport never settles soon after the deadline, not at the request timeout", async () => {
    const { transport } = retryingTransport(() => new Promise(() => undefined));
    // The default 30 s request timeout shrinks to the 300 ms deadline; the engine's own end of the
    // request must not wait for the transport either.
    const producer = createProducer({ transport, deliveryTimeoutMs: 300 });
    producers.push(producer);
    const started = performance.now();
    const error = await rejection(producer.send({ topic: "t", value: 1 }));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    // Far from the default 30 s request timeout; the bound leaves room for a loaded machine's timers.
    expect(elapsed).toBeLessThan(1000);
  });
});
