import type { TransportModule, TransportSettings } from "@outbound/core";
import { type KafkaTransportOptions, resolveKafkaOptions } from "./config.js";
import { KafkaTransport } from "./transport.js";

export {
  COMPRESSIONS,
  CONTENT_TYPE_HEADER,
  type KafkaCompression,
  type KafkaSaslMechanism,
  type KafkaSaslOptions,
  MESSAGE_ID_HEADER,
  parseKafkaUrl,
  redactKafkaOptions,
  SASL_MECHANISMS,
} from "@outbound/kafka-common";
export { kafkaCapabilities } from "./capabilities.js";
export {
  type KafkaBrokerAddress,
  type KafkaTransportOptions,
  MAX_IN_FLIGHT_IDEMPOTENT,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from "./config.js";
export { toKafkaOutboundError } from "./errors.js";
export { KafkaTransaction } from "./transaction.js";
export { KafkaTransport } from "./transport.js";

/**
 * A Kafka transport from options, for `createProducer({ transport: kafkaTransport({...}) })`.
 * Throws `INVALID_CONFIG` at once for bad options; connects on first use.
 */
export function kafkaTransport(
  options: KafkaTransportOptions & { url?: string },
  settings: TransportSettings = {},
): KafkaTransport {
  const { url, ...rest } = options;
  return new KafkaTransport(resolveKafkaOptions(rest, { url, clientId: settings.clientId }), settings);
}

/** What the core registry loads for `kafka://` URLs and `transport: "kafka"`. */
export const transport: TransportModule<KafkaTransportOptions | undefined> = {
  name: "kafka",
  schemes: ["kafka"],
  create(config) {
    return new KafkaTransport(resolveKafkaOptions(config.options, config), config);
  },
};
