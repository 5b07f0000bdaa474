export { envNameFor, optionsFromEnvironment } from "./environment.js";
export { checkKnownKeys, closestName } from "./known-keys.js";
export { describeConfig, type ParsedConfig, parseProducerConfig } from "./parse.js";
export { redactConfig, redactUrl } from "./redact.js";
export type {
  ProducerConfig,
  ProducerOptionsInput,
  ResolvedProducerOptions,
  TransportOptionsMap,
} from "./schema.js";
