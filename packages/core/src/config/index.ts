export { envNameFor, optionsFromEnvironment } from "./environment.js";
export { checkKnownKeys, closestName } from "./known-keys.js";
export { describeConfig, type ParsedConfig, parseProducerConfig } from "./parse.js";
export { redactConfig, redactUrl } from "./redact.js";
export {
  type ProducerConfig,
  type ProducerOptionsInput,
  producerOptionsSchema,
  type ResolvedProducerOptions,
} from "./schema.js";
