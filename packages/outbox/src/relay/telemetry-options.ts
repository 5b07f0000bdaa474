// Its own file, free of @opentelemetry/api types: the public declarations import it, and an
// application without the optional peer must still type-check them.

/** Instrument names, beside core's `outbound.producer.*` ones. */
export const OUTBOX_METRICS = {
  pending: "outbound.outbox.pending",
  oldestAge: "outbound.outbox.oldest_age",
  published: "outbound.outbox.published",
  deadLettered: "outbound.outbox.dead_lettered",
  retries: "outbound.outbox.retries",
} as const;

/** The `telemetry` relay option. Metrics are on when `@opentelemetry/api` is installed. */
export interface RelayTelemetryOptions {
  /** Set false to register no instruments. */
  metrics?: boolean;
  /** The `@opentelemetry/api` module, for bundlers that cannot resolve it lazily. */
  api?: unknown;
  /** A MeterProvider to use instead of the global one. */
  meterProvider?: unknown;
}
