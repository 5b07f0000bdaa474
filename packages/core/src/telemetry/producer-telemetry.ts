import type { Attributes, Counter, Histogram, Meter, Span, Tracer } from "@opentelemetry/api";
import type { OutboundError } from "../errors/index.js";
import type { DeliveryReport, Headers } from "../message/index.js";
import type { OpenTelemetryApi } from "./open-telemetry.js";
import { ATTR, MESSAGING_SYSTEM, METRIC } from "./semantic-conventions.js";
import type { TelemetryOptions } from "./telemetry-options.js";

const SCOPE = "@outbound/core";

/**
 * Spans and instruments for one producer. The engine holds `undefined` instead of this object
 * when OpenTelemetry is absent or turned off, so the hooks cost one comparison per message.
 */
/**
 * What a span is started from: the engine's record, never the caller's message object, which
 * has been read once already and may not answer the same way twice.
 */
export interface SpanSubject {
  readonly topic: string;
  readonly id: string | undefined;
  readonly key: Uint8Array | undefined;
  writableHeaders(): Headers;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The key as text for the span attribute; binary keys are left out. */
function keyText(key: Uint8Array | undefined): string | undefined {
  if (key === undefined) return undefined;
  try {
    return utf8.decode(key);
  } catch {
    return undefined;
  }
}

export class ProducerTelemetry {
  private readonly tracer: Tracer | undefined;
  /**
   * The global provider, when spans come from it: while no SDK has registered with it, a span
   * would be a no-op, so the per-message work is skipped unless an upstream trace is active.
   */
  private readonly globalTracers: { getDelegateTracer(name: string): Tracer | undefined } | undefined;
  private readonly system: string;
  private readonly base: Attributes;
  private readonly sent: Counter | undefined;
  private readonly duration: Histogram | undefined;
  private readonly batchSize: Histogram | undefined;
  private readonly retries: Counter | undefined;
  private readonly deadLettered: Counter | undefined;
  /** Per topic: the success attributes, and the failure attributes per error code. */
  private readonly attributeCache = new Map<string, { ok: Attributes; failed: Map<string, Attributes> }>();

  constructor(
    private readonly api: OpenTelemetryApi,
    transportName: string,
    clientId: string,
    options: TelemetryOptions,
    bufferedBytes: () => number,
    /**
     * Called with what the SDK behind the API threw (a span processor, an exporter, a
     * propagator): telemetry is user code, and it never changes a message's fate.
     */
    private readonly threw: (error: unknown) => void = () => {},
  ) {
    this.system = MESSAGING_SYSTEM[transportName] ?? transportName;
    this.base = { [ATTR.system]: this.system, [ATTR.clientId]: clientId };
    if (options.tracing !== false) {
      const provider =
        (options.tracerProvider as { getTracer?: OpenTelemetryApi["trace"]["getTracer"] }) ?? api.trace;
      this.tracer = provider.getTracer!(SCOPE);
      const global = options.tracerProvider ? undefined : (api.trace.getTracerProvider() as unknown);
      this.globalTracers =
        typeof (global as { getDelegateTracer?: unknown } | undefined)?.getDelegateTracer === "function"
          ? (global as { getDelegateTracer(name: string): Tracer | undefined })
          : undefined;
    }
    const meter =
      options.metrics === false
        ? undefined
        : ((options.meterProvider as { getMeter?: (name: string) => Meter }) ?? api.metrics).getMeter!(SCOPE);
    // The API's no-op meter stays a no-op even if an SDK registers later (metrics have no proxy),
    // so its instruments would only cost an attribute lookup per message for nothing.
    if (meter !== undefined && meter !== api.createNoopMeter?.()) {
      this.sent = meter.createCounter(METRIC.sentMessages, {
        description: "Messages the producer sent, by outcome",
        unit: "{message}",
      });
      this.duration = meter.createHistogram(METRIC.operationDuration, {
        description: "Duration of send requests to the broker",
        unit: "s",
      });
      this.batchSize = meter.createHistogram(METRIC.batchSize, {
        description: "Records per request",
        unit: "{message}",
      });
      this.retries = meter.createCounter(METRIC.retries, {
        description: "Records sent again",
        unit: "{message}",
      });
      this.deadLettered = meter.createCounter(METRIC.deadLettered, {
        description: "Messages written to the dead-letter sink",
        unit: "{message}",
      });
      meter
        .createObservableGauge(METRIC.bufferUsage, {
          description: "Bytes held in the producer's buffer",
          unit: "By",
        })
        .addCallback((result) => result.observe(bufferedBytes(), this.base));
    }
  }

  /**
   * Starts the message's span and writes its trace context (traceparent, tracestate) into
   * `headers`. With no SDK registered the span is a no-op: no attributes are built, and only a
   * valid parent context (from an upstream service) is propagated.
   */
  startSend(record: SpanSubject): Span | undefined {
    if (!this.tracer) return undefined;
    try {
      return this.startSpan(record);
    } catch (error) {
      this.threw(error);
      return undefined;
    }
  }

  private startSpan(message: SpanSubject): Span | undefined {
    if (!this.tracer) return undefined;
    const api = this.api;
    const parent = api.context.active();
    if (this.globalTracers !== undefined && this.globalTracers.getDelegateTracer(SCOPE) === undefined) {
      const upstream = api.trace.getSpanContext(parent);
      if (upstream === undefined || !api.trace.isSpanContextValid(upstream)) return undefined;
    }
    const span = this.tracer.startSpan(`send ${message.topic}`, { kind: api.SpanKind.PRODUCER }, parent);
    if (span.isRecording()) {
      const attributes: Attributes = {
        ...this.base,
        [ATTR.destination]: message.topic,
        [ATTR.operationType]: "send",
        [ATTR.operationName]: "send",
      };
      if (message.id !== undefined) attributes[ATTR.messageId] = message.id;
      const key = this.system === "kafka" || this.system === "rabbitmq" ? keyText(message.key) : undefined;
      if (key !== undefined) {
        if (this.system === "kafka") attributes[ATTR.kafkaKey] = key;
        if (this.system === "rabbitmq") attributes[ATTR.rabbitRoutingKey] = key;
      }
      span.setAttributes(attributes);
    }
    // The no-op span of a trace-less send carries the shared invalid context: skip validating it
    // (a regex over the ids) for every message.
    const spanContext = span.spanContext();
    if (spanContext !== api.INVALID_SPAN_CONTEXT && api.trace.isSpanContextValid(spanContext)) {
      api.propagation.inject(api.trace.setSpan(parent, span), message.writableHeaders());
    }
    return span.isRecording() ? span : undefined;
  }

  /** Called when the record leaves in a request: its partition and the batch size are known. */
  onDispatch(span: Span | undefined, partition: number, partitioned: boolean, batchCount: number): void {
    if (!span) return;
    try {
      if (partitioned) span.setAttribute(ATTR.partition, String(partition));
      if (batchCount > 1) span.setAttribute(ATTR.batchCount, batchCount);
    } catch (error) {
      this.threw(error);
    }
  }

  ended(
    span: Span | undefined,
    topic: string,
    report: DeliveryReport | undefined,
    error: OutboundError | undefined,
  ): void {
    try {
      this.endSpan(span, topic, report, error);
    } catch (thrown) {
      this.threw(thrown);
    }
  }

  private endSpan(
    span: Span | undefined,
    topic: string,
    report: DeliveryReport | undefined,
    error: OutboundError | undefined,
  ): void {
    this.sent?.add(1, this.attributesFor(topic, error?.code));
    if (!span) return;
    if (report) {
      if (report.messageId !== undefined) span.setAttribute(ATTR.messageId, report.messageId);
      if (report.offset !== undefined && this.system === "kafka")
        span.setAttribute(ATTR.kafkaOffset, Number(report.offset));
      if (report.partition !== undefined) span.setAttribute(ATTR.partition, String(report.partition));
    }
    if (error) {
      span.setAttribute(ATTR.errorType, error.code);
      span.recordException(error);
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error.message });
    }
    span.end();
  }

  request(topic: string, records: number, seconds: number, error: OutboundError | undefined): void {
    try {
      const attributes = this.attributesFor(topic, error?.code);
      this.duration?.record(seconds, attributes);
      this.batchSize?.record(records, attributes);
    } catch (thrown) {
      this.threw(thrown);
    }
  }

  retried(topic: string, records: number): void {
    try {
      this.retries?.add(records, this.attributesFor(topic, undefined));
    } catch (error) {
      this.threw(error);
    }
  }

  deadLetter(topic: string): void {
    try {
      this.deadLettered?.add(1, this.attributesFor(topic, undefined));
    } catch (error) {
      this.threw(error);
    }
  }

  /**
   * Metric attributes per topic and outcome, built once: settling every message used to build a
   * fresh object, the largest engine cost when metrics were on (profiled by the bench).
   */
  private attributesFor(topic: string, errorCode: string | undefined): Attributes {
    // Looked up without building a key string: under overload every rejected send lands here.
    let entry = this.attributeCache.get(topic);
    if (!entry) {
      // Bounded: an application with an unbounded set of topics must not grow this forever.
      if (this.attributeCache.size >= 10_000) this.attributeCache.clear();
      entry = {
        ok: { ...this.base, [ATTR.destination]: topic, [ATTR.operationName]: "send" },
        failed: new Map(),
      };
      this.attributeCache.set(topic, entry);
    }
    if (errorCode === undefined) return entry.ok;
    let attributes = entry.failed.get(errorCode);
    if (!attributes) {
      attributes = { ...entry.ok, [ATTR.errorType]: errorCode };
      entry.failed.set(errorCode, attributes);
    }
    return attributes;
  }
}
