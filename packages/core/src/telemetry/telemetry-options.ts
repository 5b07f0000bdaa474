// Its own file, free of @opentelemetry/api types: the package's public declarations import it,
// and an application without the optional peer installed must still type-check them.

/** The `telemetry` producer option. Everything is on when `@opentelemetry/api` is installed. */
export interface TelemetryOptions {
  /** One PRODUCER span per message, with W3C trace context injected into its headers. Default true. */
  tracing?: boolean;
  /** `messaging.client.*` and `outbound.producer.*` instruments. Default true. */
  metrics?: boolean;
  /** The `@opentelemetry/api` module, for bundlers that cannot resolve it lazily. */
  api?: unknown;
  /** A TracerProvider to use instead of the global one. */
  tracerProvider?: unknown;
  /** A MeterProvider to use instead of the global one. */
  meterProvider?: unknown;
}
