import type { Counter, Meter } from "@opentelemetry/api";
import type { RelayMetrics } from "./relay-metrics.js";
import { OUTBOX_METRICS, type RelayTelemetryOptions } from "./telemetry-options.js";

interface MetricsApi {
  metrics: { getMeter(name: string): Meter };
  createNoopMeter?: () => Meter;
}

async function loadApi(explicit: unknown): Promise<MetricsApi | undefined> {
  if (explicit !== undefined) return explicit as MetricsApi;
  // A variable specifier: the optional peer is not a static import, so without it nothing breaks.
  const specifier: string = "@opentelemetry/api";
  try {
    const mod = (await import(specifier)) as MetricsApi & { default?: MetricsApi };
    return typeof mod.metrics?.getMeter === "function" ? mod : mod.default;
  } catch {
    return undefined;
  }
}

/**
 * The relay's OpenTelemetry instruments, on the same API and meter provider path as the
 * producer's: the backlog as observable gauges (read from the snapshot the loop keeps, so an
 * export never queries the database) and the row outcomes as counters.
 */
export class RelayTelemetry {
  private constructor(
    private readonly published: Counter | undefined,
    private readonly deadLettered: Counter | undefined,
    private readonly retries: Counter | undefined,
    private readonly attributes: Record<string, string>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Never rejects: telemetry is the application's code (its SDK, its meter provider), and a
   * broken one costs the relay its metrics, never its work. `onError` hears why.
   */
  static async create(
    options: RelayTelemetryOptions | undefined,
    store: string,
    snapshot: () => RelayMetrics,
    onError: (error: unknown) => void,
  ): Promise<RelayTelemetry> {
    const attributes = { "outbound.outbox.store": store };
    const none = new RelayTelemetry(undefined, undefined, undefined, attributes, onError);
    if (options?.metrics === false) return none;
    try {
      return (await RelayTelemetry.register(options, attributes, snapshot, onError)) ?? none;
    } catch (error) {
      onError(error);
      return none;
    }
  }

  private static async register(
    options: RelayTelemetryOptions | undefined,
    attributes: Record<string, string>,
    snapshot: () => RelayMetrics,
    onError: (error: unknown) => void,
  ): Promise<RelayTelemetry | undefined> {
    const api = await loadApi(options?.api);
    if (!api) return undefined;
    const provider = (options?.meterProvider as MetricsApi["metrics"] | undefined) ?? api.metrics;
    const meter = provider.getMeter("@outbound/outbox");
    meter
      .createObservableGauge(OUTBOX_METRICS.pending, {
        description: "Outbox rows not yet published",
        unit: "{row}",
      })
      .addCallback((result) => result.observe(snapshot().pending, attributes));
    meter
      .createObservableGauge(OUTBOX_METRICS.oldestAge, {
        description: "Age of the oldest unpublished outbox row",
        unit: "s",
      })
      .addCallback((result) => result.observe(snapshot().oldestAgeMs / 1000, attributes));
    return new RelayTelemetry(
      meter.createCounter(OUTBOX_METRICS.published, {
        description: "Outbox rows acknowledged",
        unit: "{row}",
      }),
      meter.createCounter(OUTBOX_METRICS.deadLettered, {
        description: "Outbox rows dead-lettered",
        unit: "{row}",
      }),
      meter.createCounter(OUTBOX_METRICS.retries, { description: "Outbox sends to retry", unit: "{row}" }),
      attributes,
      onError,
    );
  }

  count(acked: number, deadLettered: number, retried: number): void {
    try {
      if (acked > 0) this.published?.add(acked, this.attributes);
      if (deadLettered > 0) this.deadLettered?.add(deadLettered, this.attributes);
      if (retried > 0) this.retries?.add(retried, this.attributes);
    } catch (error) {
      this.onError(error);
    }
  }
}
