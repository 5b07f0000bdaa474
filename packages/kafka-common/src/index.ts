/**
 * @outbound/kafka-common: what Outbound's Kafka transports share. Internal to
 * `@outbound/kafka` and `@outbound/kafkajs`; applications install one of those.
 */
export { toKafkaAcks } from "./acks.js";
export {
  BROKER_ERRORS,
  type BrokerErrorMeaning,
  brokerErrorMeaning,
  TLS_FAILURE,
  TLS_FAILURE_MESSAGE,
} from "./broker-errors.js";
export { type KafkaClientLimits, kafkaCapabilities } from "./capabilities.js";
export { offsetCounter } from "./offsets.js";
export {
  COMMON_OPTION_NAMES,
  COMPRESSIONS,
  KAFKA_DEFAULT_MESSAGE_MAX_BYTES,
  KAFKA_DEFAULTS,
  type KafkaCommonOptions,
  type KafkaCompression,
  type KafkaOAuthBearerSaslOptions,
  type KafkaPasswordSaslOptions,
  type KafkaSaslMechanism,
  type KafkaSaslOptions,
  RECORD_FRAMING_RESERVE_BYTES,
  type ResolvedKafkaCommonOptions,
  SASL_MECHANISMS,
} from "./options.js";
export { CONTENT_TYPE_HEADER, hasHeader, MESSAGE_ID_HEADER } from "./record-headers.js";
export { describeKafkaOptions, redactKafkaOptions } from "./redact.js";
export {
  checkBrokerAddress,
  invalidKafkaOption,
  type KafkaOptionsContext,
  type KafkaOptionsSpec,
  resolveKafkaCommonOptions,
} from "./resolve-options.js";
export { parseKafkaUrl } from "./url.js";
