import type { TransportModule, TransportSettings } from "@outbound/core";
import { type KafkajsTransportOptions, resolveKafkajsOptions } from "./config.js";
import { KafkajsTransport } from "./transport.js";

export {
  CONTENT_TYPE_HEADER,
  type KafkaSaslMechanism,
  type KafkaSaslOptions,
  MESSAGE_ID_HEADER,
  parseKafkaUrl,
  redactKafkaOptions,
  SASL_MECHANISMS,
  toKafkaAcks,
} from "@outbound/kafka-common";
export { kafkajsCapabilities } from "./capabilities.js";
export { registerKafkaCodecs } from "./compression.js";
export {
  KAFKAJS_COMPRESSIONS,
  type KafkajsTransportOptions,
  type ResolvedKafkajsOptions,
  resolveKafkajsOptions,
} from "./config.js";
export { toKafkaOutboundError, unwrapKafkaError } from "./errors.js";
export { toKafkaMessage } from "./mapping.js";
export { KafkajsTransaction } from "./transaction.js";
export { KafkajsTransport } from "./transport.js";

/**
 * A kafkajs transport from options, for `createProducer({ transport: kafkajsTransport({...}) })`.
 * Throws `INVALID_CONFIG` at once for bad options; connects on first use.
 */
export function kafkajsTransport(
  options: KafkajsTransportOptions & { url?: string },
  settings: TransportSettings = {},
): KafkajsTransport {
  const { url, ...rest } = options;
  return new KafkajsTransport(resolveKafkajsOptions(rest, { url, clientId: settings.clientId }), settings);
}

/**
 * What the core registry loads for `transport: "kafkajs"` and `kafkajs://` URLs. It also takes a
 * `kafka://` URL and a `kafka: {...}` section, so moving from `@outbound/kafka` is one word.
 */
export const transport: TransportModule<KafkajsTransportOptions | undefined> = {
  name: "kafkajs",
  schemes: ["kafkajs"],
  sections: ["kafkajs", "kafka"],
  create(config) {
    return new KafkajsTransport(resolveKafkajsOptions(config.options, config), config);
  },
};
