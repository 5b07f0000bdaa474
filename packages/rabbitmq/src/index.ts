import type { TransportModule } from "@outbound/core";
import { type RabbitMqOptions, resolveConfig } from "./config.js";
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
} from "./config.js";
export { type AmqpPublish, destinationName, KEY_HEADER, PUBLISH_ID_HEADER, toPublish } from "./mapping.js";
export { RabbitMqTransport, type RabbitMqTransportContext, rabbitmqTransport } from "./transport.js";

/** Lets the core registry load this transport for `amqp://` and `amqps://` URLs. */
export const transport: TransportModule<RabbitMqOptions> = {
  name: "rabbitmq",
  schemes: ["amqp", "amqps"],
  create(config) {
    return new RabbitMqTransport(resolveConfig(config.options ?? {}, config.url), {
      clientId: config.clientId,
      logger: config.logger,
    });
  },
};
