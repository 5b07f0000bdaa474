/** OpenTelemetry: one PRODUCER span per message, trace context in the headers, and metrics. */
import * as otel from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MESSAGING_ATTRIBUTES as ATTR, createProducer, type ProducerConfig } from "@outbound/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  otel.propagation.disable();
  otel.context.disable();
});

const producers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close()));
  spans.reset();
});

function setup(config: Partial<ProducerConfig> = {}, partitions = 2) {
  const transport = memoryTransport({ partitions });
  const producer = createProducer({
    transport,
    telemetry: { tracerProvider, meterProvider },
    ...config,
  } as ProducerConfig);
  producers.push(producer);
  return { broker: transport.broker, producer };
}

describe("tracing", () => {
  it("records a PRODUCER span per message and injects its context into the message headers", async () => {
    const { broker, producer } = setup();
    await producer.sendMany(
      Array.from({ length: 3 }, (_, i) => ({ topic: "orders", key: `k${i}`, value: i, id: `m-${i}` })),
    );
    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(3);
    for (const span of finished) {
      expect(span.name).toBe("send orders");
      expect(span.kind).toBe(otel.SpanKind.PRODUCER);
      expect(span.attributes[ATTR.system]).toBe("outbound_memory");
      expect(span.attributes[ATTR.destination]).toBe("orders");
      expect(span.attributes[ATTR.operationType]).toBe("send");
      expect(span.attributes[ATTR.partition]).toMatch(/^[01]$/);
    }
    for (const stored of broker.messages("orders")) {
      const traceparent = String(stored.headers.traceparent);
      const span = finished.find((s) => s.attributes[ATTR.messageId] === stored.id)!;
      expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    }
  });

  it("continues the caller's trace", async () => {
    const { broker, producer } = setup();
    const tracer = tracerProvider.getTracer("test");
    await tracer.startActiveSpan("handle-request", async (parent) => {
      await producer.send({ topic: "t", value: 1 });
      parent.end();
    });
    const send = spans.getFinishedSpans().find((s) => s.name === "send t")!;
    const parent = spans.getFinishedSpans().find((s) => s.name === "handle-request")!;
    expect(send.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(String(broker.messages("t")[0]!.headers.traceparent)).toContain(parent.spanContext().traceId);
  });

  it("marks a failed send with error.type and an error status", async () => {
    const { broker, producer } = setup();
    await producer.connect();
    broker.faults.failNext(1, { code: "NOT_AUTHORIZED" });
    await expect(producer.send({ topic: "t", value: 1 })).rejects.toMatchObject({ code: "NOT_AUTHORIZED" });
    const [span] = spans.getFinishedSpans();
    expect(span!.attributes[ATTR.errorType]).toBe("NOT_AUTHORIZED");
    expect(span!.status.code).toBe(otel.SpanStatusCode.ERROR);
  });

  it("sets messaging.batch.message_count when records share a request", async () => {
    const { producer } = setup({}, 1);
    await producer.connect();
    await Promise.all(Array.from({ length: 5 }, (_, i) => producer.send({ topic: "t", value: i })));
    const counts = spans.getFinishedSpans().map((s) => s.attributes[ATTR.batchCount]);
    expect(counts).toContain(5);
  });

  it("with no SDK registered, passes an upstream trace on and adds nothing without one", async () => {
    // The global provider has no SDK behind it in this file: spans would be no-ops, so the engine
    // skips them, but a trace context arriving from upstream must still reach the message.
    const transport = memoryTransport();
    const producer = createProducer({ transport, telemetry: { meterProvider } });
    producers.push(producer);
    const upstream = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: otel.TraceFlags.SAMPLED,
    };
    await otel.context.with(otel.trace.setSpanContext(otel.ROOT_CONTEXT, upstream), () =>
      producer.send({ topic: "t", value: 1 }),
    );
    await producer.send({ topic: "t", value: 2 });
    const [withUpstream, without] = transport.broker.messages("t");
    expect(String(withUpstream!.headers.traceparent)).toBe(`00-${upstream.traceId}-${upstream.spanId}-01`);
    expect(without!.headers.traceparent).toBeUndefined();
    expect(spans.getFinishedSpans()).toHaveLength(0);
  });

  it("tracing off: no span and no trace headers", async () => {
    const { broker, producer } = setup({ telemetry: { tracing: false, meterProvider } });
    await producer.send({ topic: "t", value: 1 });
    expect(spans.getFinishedSpans()).toHaveLength(0);
    expect(broker.messages("t")[0]!.headers.traceparent).toBeUndefined();
  });
});

describe("metrics", () => {
  it("reports sent messages by outcome, request durations and the producer's own instruments", async () => {
    const { broker, producer } = setup({ retry: { initialMs: 1, maxMs: 5 } });
    await producer.connect();
    broker.faults.failNext(1, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    broker.faults.rejectWhen((r) => Buffer.from(r.value).toString() === "9", { code: "REJECTED" });
    await producer.sendMany(Array.from({ length: 10 }, (_, i) => ({ topic: "m", key: "k", value: i })));
    const collected = await reader.collect();
    const metrics = collected.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = (name: string) => metrics.find((m) => m.descriptor.name === name);
    const sent = byName("messaging.client.sent.messages")!;
    const points = sent.dataPoints.filter((p) => p.attributes[ATTR.destination] === "m");
    const ok = points.find((p) => p.attributes[ATTR.errorType] === undefined)!;
    const failed = points.find((p) => p.attributes[ATTR.errorType] === "REJECTED")!;
    expect(ok.value).toBe(9);
    expect(failed.value).toBe(1);
    expect(byName("messaging.client.operation.duration")?.descriptor.unit).toBe("s");
    expect(byName("outbound.producer.retries")).toBeDefined();
    expect(byName("outbound.producer.batch.size")).toBeDefined();
    expect(byName("outbound.producer.buffer.usage")).toBeDefined();
  });
});
