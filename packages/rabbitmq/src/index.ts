import type { TransportModule, TransportSettings } from "@outbound/core";
import { type RabbitMqOptions, resolveRabbitMqOptions } from "./config.js";
import { RabbitMqTransport } from "./transport.js";

export {
  DEFAULT_CONFIRM_WINDOW,
  type DeclareOptions,
  type DestinationMode,
  describeEndpoint,
  type ExchangeType,
  type RabbitMqOptions,
  type ResolvedRabbitMqConfig,
  resolveConfig,
  resolveRabbitMqOptions,
} from "./config.js";
export { type AmqpPublish, destinationName, KEY_HEADER, PUBLISH_ID_HEADER, toPublish } from "./mapping.js";
export { RabbitMqTransport, type RabbitMqTransportContext } from "./transport.js";

/**
 * A RabbitMQ transport from options (see {@link RabbitMqOptions}), for
 * `createProducer({ transport: rabbitmqTransport({...}) })`. Throws `INVALID_CONFIG` at once for
 * bad options; connects on first use.
 */
export function rabbitmqTransport(
  options: RabbitMqOptions = {},
  settings: TransportSettings = {},
): RabbitMqTransport {
  return new RabbitMqTransport(resolveRabbitMqOptions(options, { clientId: settings.clientId }), settings);
}

/** Lets the core registry load this transport for `amqp://` and `amqps://` URLs. */
export const transport: TransportModule<RabbitMqOptions> = {
  name: "rabbitmq",
  schemes: ["amqp", "amqps"],
  create(config) {
    return new RabbitMqTransport(resolveRabbitMqOptions(config.options ?? {}, config), config);
  },
};
