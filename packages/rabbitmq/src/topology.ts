import { OutboundError } from "@outbound/core";
import type { Channel } from "amqplib";
import type { ResolvedRabbitMqConfig } from "./config.js";
import { destinationName, shortString } from "./mapping.js";

/**
 * Declares what `declare` asks for a topic: its exchange (exchange mode) and its queue(s)
 * `<topic>` or `<topic>-<p>`, bound so that the transport's routing keys reach them. Declarations
 * are idempotent on the broker; one whose arguments differ from an existing entity fails with
 * `INVALID_CONFIG` rather than silently publishing into a topology the user did not ask for.
 */
export async function declareTopology(
  channel: Channel,
  topic: string,
  partitions: number,
  config: Pick<ResolvedRabbitMqConfig, "destination" | "declare">,
): Promise<void> {
  const declare = config.declare;
  if (!declare) return;
  // A name AMQP cannot carry is the message's fault, not the broker's: refused at once, never
  // retried as an unreachable broker until the deadline.
  if (config.destination === "exchange") shortString("exchange name", topic);
  if (declare.queues) {
    for (let p = 0; p < partitions; p++) shortString("queue name", destinationName(topic, p, partitions));
  }
  try {
    if (config.destination === "exchange") {
      await channel.assertExchange(topic, declare.exchangeType, { durable: declare.durable });
    }
    if (!declare.queues) return;
    for (let p = 0; p < partitions; p++) {
      const queue = destinationName(topic, p, partitions);
      await channel.assertQueue(queue, {
        durable: declare.quorum || declare.durable,
        ...(declare.quorum ? { arguments: { "x-queue-type": "quorum" } } : {}),
      });
      if (config.destination === "exchange") {
        await channel.bindQueue(queue, topic, bindingKey(queue, partitions, declare.exchangeType));
      }
    }
  } catch (error) {
    throw classifyDeclareError(error, topic);
  }
}

/** Partition queues bind with their own name (the routing key the transport uses for them). */
function bindingKey(queue: string, partitions: number, exchangeType: string): string {
  if (partitions > 1) return queue;
  // An unpartitioned queue must take every key: "#" on a topic exchange; fanout and headers
  // exchanges ignore the key; a direct exchange can only match keyless messages here.
  return exchangeType === "topic" ? "#" : "";
}

function classifyDeclareError(error: unknown, topic: string): OutboundError {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const options = {
    transport: "rabbitmq",
    cause: error,
    ...(typeof code === "number" ? { brokerCode: String(code) } : {}),
  };
  if (code === 406) {
    return new OutboundError(
      "INVALID_CONFIG",
      `topology for "${topic}" clashes with what exists: ${text}`,
      options,
    );
  }
  if (code === 403) return new OutboundError("NOT_AUTHORIZED", `declaring "${topic}": ${text}`, options);
  return new OutboundError("BROKER_UNAVAILABLE", `declaring "${topic}": ${text}`, options);
}
