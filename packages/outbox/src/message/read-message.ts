import { randomUUID } from "node:crypto";
import { type Headers, OutboundError, type Serializer, toOutboundError } from "@outbound/core";
import type { StoredOutboxMessage } from "./outbox-message.js";

const SOURCE = "outbox";

function bad(text: string): OutboundError {
  return new OutboundError("INVALID_MESSAGE", text, { transport: SOURCE });
}

const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

function checkText(field: string, text: string): void {
  if (!isWellFormed(text)) {
    throw bad(`${field} contains a lone UTF-16 surrogate, which cannot be encoded as UTF-8`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "an object";
  return typeof value;
}

function optionalInteger(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`${field} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function copyHeaders(headers: unknown): Headers {
  if (headers === undefined) return {};
  const proto = typeof headers === "object" && headers !== null ? Object.getPrototypeOf(headers) : undefined;
  if (Array.isArray(headers) || (proto !== Object.prototype && proto !== null)) {
    throw bad(`headers must be a plain object of string or Uint8Array values, got ${describe(headers)}`);
  }
  const copy: Headers = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.length === 0) throw bad("header names must not be empty");
    checkText(`header name ${JSON.stringify(name)}`, name);
    if (typeof value === "string") checkText(`header "${name}"`, value);
    else if (!(value instanceof Uint8Array)) {
      throw bad(`header "${name}" must be a string or Uint8Array, got ${describe(value)}`);
    }
    copy[name] = value;
  }
  return copy;
}

/**
 * Checks a message the way the producer's `send()` would before it is serialized, then
 * serializes its value, so a bad message fails `add()` with a typed error and never reaches the
 * table. What only the broker's limits can decide (size, header count) is decided at publish
 * time, where a failure is dead-lettered instead of blocking the rows behind it.
 */
export async function readOutboxMessage(
  message: unknown,
  serializer: Serializer,
): Promise<StoredOutboxMessage> {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw bad(`message must be an object with topic and value, got ${describe(message)}`);
  }
  const { topic, key, headers, id, partition, timestamp, delayMs, value } = message as Record<
    string,
    unknown
  >;
  if (typeof topic !== "string" || topic.length === 0) {
    throw bad(`topic must be a non-empty string, got ${JSON.stringify(topic) ?? "undefined"}`);
  }
  checkText("topic", topic);
  let keyBytes: Uint8Array | undefined;
  if (typeof key === "string") {
    checkText("key", key);
    keyBytes = new Uint8Array(Buffer.from(key));
  } else if (key instanceof Uint8Array) {
    keyBytes = new Uint8Array(key);
  } else if (key !== undefined) {
    throw bad(`key must be a string or Uint8Array, got ${describe(key)}`);
  }
  if (id !== undefined) {
    if (typeof id !== "string" || id.length === 0) throw bad("id must be a non-empty string");
    checkText("id", id);
  }
  if (value === undefined) throw bad("value is missing");
  const coordinates = {
    partition: optionalInteger("partition", partition),
    timestamp: optionalInteger("timestamp", timestamp),
    delayMs: optionalInteger("delayMs", delayMs),
  };
  const copied = copyHeaders(headers);
  let bytes: unknown;
  try {
    bytes = await serializer.serialize(value, { topic, headers: copied });
  } catch (error) {
    throw toOutboundError(error, "SERIALIZATION_FAILED", {
      transport: SOURCE,
      context: `could not serialize a value for ${topic}`,
    });
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new OutboundError(
      "SERIALIZATION_FAILED",
      `the serializer returned ${describe(bytes)} for ${topic}`,
      {
        transport: SOURCE,
      },
    );
  }
  return {
    topic,
    key: keyBytes,
    headers: copied,
    value: bytes,
    contentType: serializer.contentType,
    id: (id as string | undefined) ?? randomUUID(),
    ...coordinates,
  };
}
