import type { TransportModule, TransportSettings } from "@outbound/core";
import { resolveSqsOptions, type SqsTransportOptions } from "./config.js";
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
  resolveSqsOptions,
  type SqsStaticCredentials,
  type SqsTransportOptions,
} from "./config.js";
export { FIFO_DEDUP_WINDOW_MS, fifoToken, isFifoQueueName } from "./fifo.js";
export { MAX_DELAY_SECONDS } from "./mapping.js";
export { SqsTransport, type SqsTransportSettings } from "./transport.js";

/**
 * An SQS transport from options, for `createProducer({ transport: sqsTransport({...}) })`.
 * Throws `INVALID_CONFIG` at once for bad options; builds its client on first use.
 *
 * @example
 * createProducer({ transport: sqsTransport({ region: "eu-west-1" }) });
 * createProducer({ transport: sqsTransport({ url: "sqs://127.0.0.1:9324?region=us-east-1" }) });
 */
export function sqsTransport(
  options: SqsTransportOptions & { url?: string } = {},
  settings: TransportSettings = {},
): SqsTransport {
  const { url, ...rest } = options;
  return new SqsTransport(resolveSqsOptions(rest, { url }), settings);
}

/** Lets the core registry load this package for `transport: "sqs"` or an `sqs://` URL. */
export const transport: TransportModule<SqsTransportOptions> = {
  name: "sqs",
  schemes: ["sqs"],
  create(config) {
    return new SqsTransport(resolveSqsOptions(config.options ?? {}, config), config);
  },
};
