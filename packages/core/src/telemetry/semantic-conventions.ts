/**
 * Attribute and instrument names from the OpenTelemetry messaging semantic conventions, written
 * out here so core needs no semantic-conventions package.
 */
export const ATTR = {
  system: "messaging.system",
  destination: "messaging.destination.name",
  partition: "messaging.destination.partition.id",
  messageId: "messaging.message.id",
  operationType: "messaging.operation.type",
  operationName: "messaging.operation.name",
  batchCount: "messaging.batch.message_count",
  clientId: "messaging.client.id",
  bodySize: "messaging.message.body.size",
  errorType: "error.type",
  kafkaKey: "messaging.kafka.message.key",
  kafkaOffset: "messaging.kafka.offset",
  rabbitRoutingKey: "messaging.rabbitmq.destination.routing_key",
  serverAddress: "server.address",
} as const;

/** `messaging.system` values per transport name. */
export const MESSAGING_SYSTEM: Record<string, string> = {
  kafka: "kafka",
  rabbitmq: "rabbitmq",
  sqs: "aws_sqs",
  pulsar: "pulsar",
  memory: "outbound_memory",
};

export const METRIC = {
  sentMessages: "messaging.client.sent.messages",
  operationDuration: "messaging.client.operation.duration",
  bufferUsage: "outbound.producer.buffer.usage",
  batchSize: "outbound.producer.batch.size",
  retries: "outbound.producer.retries",
  deadLettered: "outbound.producer.dead_lettered",
} as const;
