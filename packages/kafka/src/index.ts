import type { Logger, TransportModule } from "@outbound/core";
import { type KafkaTransportOptions, resolveKafkaOptions } from "./config.js";
import { KafkaTransport } from "./transport.js";

export { registerKafkaCodecs } from "./compression.js";
export {
  COMPRESSIONS,
  type KafkaCompression,
  type KafkaSaslMechanism,
  type KafkaSaslOptions,
  type KafkaTransportOptions,
  parseKafkaUrl,
  type ResolvedKafkaOptions,
  redactKafkaOptions,
  resolveKafkaOptions,
  SASL_MECHANISMS,
} from "./config.js";
export { toKafkaOutboundError, unwrapKafkaError } from "./errors.js";
export { CONTENT_TYPE_HEADER, MESSAGE_ID_HEADER, toKafkaAcks, toKafkaMessage } from "./mapping.js";
export { KafkaTransaction } from "./transaction.js";
export { KafkaTransport, kafkaCapabilities } from "./transport.js";

/**
 * A Kafka transport from options, for `createProducer({ transport: kafkaTransport({...}) })`.
 * Throws `INVALID_CONFIG` at once for bad options; connects on first use.
 */
export function kafkaTransport(
  options: KafkaTransportOptions & { url?: string },
  settings: { logger?: Logger } = {},
): KafkaTransport {
  const { url, ...rest } = options;
  return new KafkaTransport(resolveKafkaOptions(rest, url ? { url } : {}), settings.logger);
}

/** What the core registry loads for `kafka://` URLs and `transport: "kafka"`. */
export const transport: TransportModule<KafkaTransportOptions | undefined> = {
  name: "kafka",
  schemes: ["kafka"],
  create(config) {
    const options = resolveKafkaOptions(config.options, {
      ...(config.url ? { url: config.url } : {}),
      clientId: config.clientId,
    });
    return new KafkaTransport(options, config.logger);
  },
};
