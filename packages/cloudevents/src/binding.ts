import { OutboundError } from "@outbound/core";

/** The protocol bindings Outbound maps CloudEvents onto, one per broker family. */
export const BINDING_NAMES = ["kafka", "amqp", "sqs", "pulsar", "memory"] as const;
export type BindingName = (typeof BINDING_NAMES)[number];

/** Where a binding puts a binary-mode event's attributes. */
export interface Binding {
  readonly name: BindingName;
  /**
   * Prepended to each attribute name to make its header: `ce_` (Kafka binding 3.2.3.1),
   * `cloudEvents:` (AMQP binding 3.1.3.1), and `ce_` for SQS, Pulsar and memory, which no
   * CloudEvents binding covers (see docs/guide/cloudevents.md).
   */
  readonly prefix: string;
  /**
   * Headers the transport carries per message, when it has a limit (its
   * `capabilities.headers.maxCount`, which the producer enforces), and why.
   */
  readonly maxHeaders?: number;
  readonly limitNote?: string;
}

export const BINDINGS: Readonly<Record<BindingName, Binding>> = {
  kafka: { name: "kafka", prefix: "ce_" },
  amqp: { name: "amqp", prefix: "cloudEvents:" },
  // SQS attribute names allow only A-Za-z0-9, '_', '-' and '.': `ce_` fits, `cloudEvents:` would not.
  sqs: {
    name: "sqs",
    prefix: "ce_",
    maxHeaders: 8,
    limitNote: "SQS allows 10 message attributes and the transport's content-type and outbound-key take 2",
  },
  pulsar: { name: "pulsar", prefix: "ce_" },
  memory: { name: "memory", prefix: "ce_" },
};

/** The binding of each of Outbound's transports, by `producer.transportName`. */
const TRANSPORT_BINDINGS: Readonly<Record<string, BindingName>> = {
  kafka: "kafka",
  kafkajs: "kafka",
  rabbitmq: "amqp",
  sqs: "sqs",
  pulsar: "pulsar",
  memory: "memory",
};

/**
 * The binding for a transport, so that swapping brokers stays a config change. A transport
 * Outbound does not know needs an explicit binding: guessing where its consumers look would put
 * the attributes somewhere nobody reads them.
 */
export function bindingFor(transportName: string, explicit?: BindingName): Binding {
  const name = explicit ?? TRANSPORT_BINDINGS[transportName];
  if (name === undefined || !Object.hasOwn(BINDINGS, name)) {
    const given = explicit === undefined ? `transport "${transportName}"` : `binding "${explicit}"`;
    throw new OutboundError(
      "INVALID_CONFIG",
      `no CloudEvents binding for ${given}; pass { binding: ${BINDING_NAMES.map((n) => `"${n}"`).join(" | ")} }`,
      { details: { field: "binding" } },
    );
  }
  return BINDINGS[name];
}
