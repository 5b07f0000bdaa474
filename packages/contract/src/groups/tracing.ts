import * as otel from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MESSAGING_ATTRIBUTES as ATTR, MESSAGING_SYSTEM } from "@outbound/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

/** Trace propagation: the span the SDK recorded is the context the broker holds in the headers. */
export function tracingTests(ctx: ContractContext): void {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

  beforeAll(() => {
    otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    otel.propagation.disable();
  });

  it("each message's traceparent header, read back with the broker's own client, names its PRODUCER span", async () => {
    spans.reset();
    const topic = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({
      serializer: "string",
      telemetry: { tracerProvider, metrics: false },
    });
    const keyed = ctx.capabilities.keyOrdering === "group";
    const values = ["traced-0", "traced-1", "traced-2"];
    await producer.sendMany(
      values.map((value, i) => ({ topic, value, ...(keyed ? { key: `g-${i}` } : {}) })),
    );
    const finished = spans.getFinishedSpans().filter((s) => s.name === `send ${topic}`);
    expect(finished).toHaveLength(values.length);
    for (const span of finished) {
      expect(span.kind).toBe(otel.SpanKind.PRODUCER);
      expect(span.attributes[ATTR.system]).toBe(
        MESSAGING_SYSTEM[producer.transportName] ?? producer.transportName,
      );
      expect(span.attributes[ATTR.destination]).toBe(topic);
      expect(span.attributes[ATTR.operationType]).toBe("send");
    }
    const expected = new Set(
      finished.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`),
    );
    const arrived = await ctx.read(topic, values.length);
    expect(arrived).toHaveLength(values.length);
    const seen = new Set(arrived.map((m) => asText(m.headers.traceparent ?? "")));
    expect(seen).toEqual(expected);
  });
}
