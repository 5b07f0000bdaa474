import type * as OtelApi from "@opentelemetry/api";
import { MESSAGING_ATTRIBUTES as ATTR, MESSAGING_SYSTEM } from "@outbound/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { installNote, loadOptional } from "../optional-module.js";

/** What the group needs from the OpenTelemetry packages, which are optional dependencies of the suite. */
async function loadOpenTelemetry() {
  const api = await loadOptional(() => import("@opentelemetry/api"), "@opentelemetry/api");
  const core = await loadOptional(() => import("@opentelemetry/core"), "@opentelemetry/core");
  const sdk = await loadOptional(
    () => import("@opentelemetry/sdk-trace-base"),
    "@opentelemetry/sdk-trace-base",
  );
  if (!api) return { loaded: false, missing: "@opentelemetry/api" } as const;
  if (!core) return { loaded: false, missing: "@opentelemetry/core" } as const;
  if (!sdk) return { loaded: false, missing: "@opentelemetry/sdk-trace-base" } as const;
  const spans = new sdk.InMemorySpanExporter();
  const tracerProvider = new sdk.BasicTracerProvider({
    spanProcessors: [new sdk.SimpleSpanProcessor(spans)],
  });
  return {
    loaded: true,
    api,
    propagator: new core.W3CTraceContextPropagator(),
    spans,
    tracerProvider,
  } as const;
}

/** Trace propagation: the span the SDK recorded is the context the broker holds in the headers. */
export function tracingTests(ctx: ContractContext): void {
  let otel: Awaited<ReturnType<typeof loadOpenTelemetry>>;
  let api: typeof OtelApi | undefined;

  beforeAll(async () => {
    otel = await loadOpenTelemetry();
    if (!otel.loaded) return;
    api = otel.api;
    api.propagation.setGlobalPropagator(otel.propagator);
  });
  afterAll(() => {
    api?.propagation.disable();
  });

  it("each message's traceparent header, read back with the broker's own client, names its PRODUCER span", async ({
    skip,
  }) => {
    if (!otel.loaded) return skip(installNote(otel.missing));
    const { spans, tracerProvider } = otel;
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
      expect(span.kind).toBe(otel.api.SpanKind.PRODUCER);
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
