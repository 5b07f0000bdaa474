import { OutboundError, type OutboundRecord } from "@outbound/core";
import type { ResolvedRabbitMqConfig } from "./config.js";

/** Header carrying the message key's bytes, so the key survives whatever the routing key is. */
export const KEY_HEADER = "x-outbound-key";
/**
 * Header carrying the publish's delivery tag on its channel, which ties a `basic.return` (which has
 * no delivery tag of its own) to its publish. An integer, so that it encodes without a string.
 */
export const PUBLISH_ID_HEADER = "x-outbound-publish-id";

/**
 * Header carrying the timestamp in milliseconds, since the AMQP `timestamp` property has whole
 * seconds only. The name is the one RabbitMQ's own message-timestamp plugin uses.
 */
export const TIMESTAMP_MS_HEADER = "timestamp_in_ms";

/** AMQP short strings (exchange and routing key) are at most 255 bytes. */
const MAX_SHORTSTR_BYTES = 255;

/** Where one record goes and what it carries, in amqplib's terms. */
export interface AmqpPublish {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: {
    mandatory: true;
    deliveryMode: 1 | 2;
    contentType: string | undefined;
    messageId: string | undefined;
    /** Seconds since the epoch: AMQP's timestamp property has no finer unit. */
    timestamp: number;
    headers: Record<string, string | Buffer | number | undefined>;
  };
}

/** The name a record's destination has on the broker: `<topic>`, or `<topic>-<p>` when partitioned. */
export function destinationName(topic: string, partition: number, partitions: number): string {
  return partitions > 1 ? `${topic}-${partition}` : topic;
}

function asBuffer(bytes: Uint8Array): Buffer {
  // amqplib encodes only real Buffers as byte arrays; a plain Uint8Array would become a table.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function invalidMessage(message: string): OutboundError {
  return new OutboundError("INVALID_MESSAGE", message, { transport: "rabbitmq" });
}

/** `value`, or `INVALID_MESSAGE` when it is longer than an AMQP short string (names, routing keys). */
export function shortString(what: string, value: string): string {
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_SHORTSTR_BYTES) {
    throw invalidMessage(`${what} is ${bytes} bytes; AMQP allows at most ${MAX_SHORTSTR_BYTES}`);
  }
  return value;
}

/**
 * Maps a record onto a publish (the publish-id header is left for the publisher channel to fill
 * unless `publishId` is given). Throws `INVALID_MESSAGE` for what AMQP cannot carry (a name or
 * routing key over 255 bytes, a key that is not UTF-8 where it must be the routing key).
 *
 * - `queue` mode: default exchange, routing key = queue `<topic>` or `<topic>-<p>`.
 * - `exchange` mode, unpartitioned: exchange `<topic>`, routing key = the key as UTF-8 ("" without one).
 * - `exchange` mode, N > 1 partitions: exchange `<topic>`, routing key `<topic>-<p>` (as Spring Cloud
 *   Stream's Rabbit binder does), so each partition queue binds with its own routing key.
 */
export function toPublish(
  record: OutboundRecord,
  partitions: number,
  config: Pick<ResolvedRabbitMqConfig, "destination" | "persistent">,
  publishId?: string | number,
): AmqpPublish {
  const target = destinationName(record.topic, record.partition, partitions);
  let exchange: string;
  let routingKey: string;
  if (config.destination === "queue") {
    exchange = "";
    routingKey = shortString("queue name", target);
  } else {
    exchange = shortString("exchange name", record.topic);
    routingKey = partitions > 1 ? target : keyAsRoutingKey(record.key);
  }

  const headers: AmqpPublish["options"]["headers"] = {};
  const source = record.headers;
  for (const name in source) {
    if (!Object.hasOwn(source, name)) continue;
    const value = source[name];
    if (typeof value === "string") headers[name] = value;
    else if (value instanceof Uint8Array) headers[name] = asBuffer(value);
    else throw invalidMessage(`header "${name}" must be a string or bytes, got ${typeof value}`);
  }
  if (record.key !== undefined) headers[KEY_HEADER] = asBuffer(record.key);
  // The publisher channel sets the id when it knows the delivery tag; the slot keeps the key order.
  headers[PUBLISH_ID_HEADER] = publishId;
  headers[TIMESTAMP_MS_HEADER] = record.timestamp;

  return {
    exchange,
    routingKey,
    content: asBuffer(record.value),
    options: {
      mandatory: true,
      deliveryMode: config.persistent ? 2 : 1,
      contentType: record.contentType || undefined,
      messageId: record.id,
      timestamp: Math.floor(record.timestamp / 1000),
      headers,
    },
  };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function keyAsRoutingKey(key: Uint8Array | undefined): string {
  if (key === undefined) return "";
  let text: string;
  try {
    text = strictUtf8.decode(key);
  } catch {
    throw invalidMessage("the key is the routing key in exchange mode and must be valid UTF-8");
  }
  return shortString("routing key (the message key)", text);
}
