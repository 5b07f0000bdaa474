import type { TransportConfig, TransportModule } from "@outbound/core";
import type { SqsTransportOptions } from "./config.js";
import { SqsTransport } from "./transport.js";

export {
  CONTENT_TYPE_ATTRIBUTE,
  decodeAttribute,
  KEY_ATTRIBUTE,
  MAX_ATTRIBUTES,
  MAX_USER_ATTRIBUTES,
} from "./attributes.js";
export { BODY_DATA_TYPE, type BodyEncoding, decodeBody, encodeBody } from "./body.js";
export { sqsCapabilities } from "./capabilities.js";
export {
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  LEGACY_MESSAGE_BYTES,
  ONE_MIB,
  parseSqsUrl,
  type ResolvedSqsConfig,
  resolveSqsConfig,
  type SqsStaticCredentials,
  type SqsTransportOptions,
} from "./config.js";
export { FIFO_DEDUP_WINDOW_MS, fifoToken, isFifoQueueName } from "./fifo.js";
export { MAX_DELAY_SECONDS } from "./mapping.js";
export { SqsTransport, type SqsTransportSettings } from "./transport.js";

/**
 * Creates an SQS transport.
 *
 * @example
 * createProducer({ transport: sqsTransport({ region: "eu-west-1" }) });
 * createProducer({ transport: sqsTransport({ endpoint: "http://127.0.0.1:9324", region: "us-east-1" }) });
 */
export function sqsTransport(options: SqsTransportOptions = {}): SqsTransport {
  return new SqsTransport(options);
}

/** Lets the core registry load this package for `transport: "sqs"` or an `sqs://` URL. */
export const transport: TransportModule<SqsTransportOptions> = {
  name: "sqs",
  schemes: ["sqs"],
  create(config: TransportConfig<SqsTransportOptions>): SqsTransport {
    return new SqsTransport(config.options ?? {}, {
      ...(config.url ? { url: config.url } : {}),
      logger: config.logger,
    });
  },
};
