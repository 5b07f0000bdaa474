// ProducerTelemetry and loadOpenTelemetry stay internal (the engine imports them by path): their
// declarations name @opentelemetry/api types, an optional peer an application may not have.
export {
  ATTR as MESSAGING_ATTRIBUTES,
  MESSAGING_SYSTEM,
  METRIC as PRODUCER_METRICS,
} from "./semantic-conventions.js";
export type { TelemetryOptions } from "./telemetry-options.js";
