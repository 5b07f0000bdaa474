export { loadOpenTelemetry, type OpenTelemetryApi } from "./open-telemetry.js";
export { ProducerTelemetry, type TelemetryOptions } from "./producer-telemetry.js";
export {
  ATTR as MESSAGING_ATTRIBUTES,
  MESSAGING_SYSTEM,
  METRIC as PRODUCER_METRICS,
} from "./semantic-conventions.js";
