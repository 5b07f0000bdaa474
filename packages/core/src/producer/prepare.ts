import { OutboundError, toOutboundError } from "../errors/index.js";
import type { Headers, OutboundMessage } from "../message/index.js";
import { isWellFormed } from "../message/well-formed.js";
import type { SerializeContext, Serializer } from "../serializer/serializer.js";
import type { Capabilities } from "../transport/index.js";
import type { Clock } from "./clock.js";
import { NO_HEADERS, PendingRecord } from "./pending.js";

function bad(transport: string, text: string): OutboundError {
  return new OutboundError("INVALID_MESSAGE", text, { transport });
}

function unsupported(transport: string, option: string, text: string): OutboundError {
  return new OutboundError("UNSUPPORTED_FEATURE", `${option}: ${text}`, { transport, details: { option } });
}

/** The latest timestamp a JavaScript `Date` can hold, and so the latest one a report can state exactly. */
const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

function describeThrow(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "object") return (value as object).constructor?.name ?? "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * A string that becomes UTF-8 bytes on the wire. A lone surrogate would be stored as U+FFFD, so
 * two different strings would arrive as one: refuse it rather than change it.
 */
function checkText(transport: string, field: string, text: string): void {
  if (!isWellFormed(text)) {
    throw bad(
      transport,
      `${field} contains a lone UTF-16 surrogate, which cannot be encoded as UTF-8 (it would arrive as U+FFFD)`,
    );
  }
}

/**
 * The last topic found well-formed. Most sends go to a few topics and the check walks the
 * string, so the same topic (the same string object, usually) is not walked again per send.
 */
let lastGoodTopic = "";

function checkTopic(transport: string, topic: string): void {
  if (topic === lastGoodTopic) return;
  checkText(transport, "topic", topic);
  lastGoodTopic = topic;
}

/**
 * Copies the headers, reading each once. Only a plain object is accepted: a `Map` or class
 * instance would spread to `{}` and its headers would vanish without a word.
 */
function copyHeaders(headers: unknown, caps: Capabilities, transport: string): Headers {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw bad(
      transport,
      `headers must be a plain object of string or Uint8Array values, got ${describeValue(headers)}`,
    );
  }
  const proto = Object.getPrototypeOf(headers);
  if (proto !== Object.prototype && proto !== null) {
    const hint = headers instanceof Map ? " (use Object.fromEntries(map))" : "";
    throw bad(
      transport,
      `headers must be a plain object of string or Uint8Array values, got a ${describeValue(headers)}${hint}`,
    );
  }
  if (Object.getOwnPropertySymbols(headers).length > 0) {
    throw bad(transport, "headers must have string names; a symbol-named header cannot be sent");
  }
  const names = Object.keys(headers);
  if (names.length === 0) return NO_HEADERS;
  if (!caps.headers.supported) throw unsupported(transport, "headers", `${transport} does not carry headers`);
  if (caps.headers.maxCount !== undefined && names.length > caps.headers.maxCount) {
    throw bad(
      transport,
      `${names.length} headers exceed ${transport}'s limit of ${caps.headers.maxCount} per message`,
    );
  }
  const copy: Headers = {};
  for (const name of names) {
    if (name.length === 0) throw bad(transport, "header names must not be empty");
    checkText(transport, `header name ${JSON.stringify(name)}`, name);
    let value: unknown;
    try {
      value = (headers as Record<string, unknown>)[name];
    } catch (error) {
      throw bad(transport, `header "${name}" could not be read: ${describeThrow(error)}`);
    }
    if (typeof value === "string") {
      checkText(transport, `header "${name}"`, value);
    } else if (value instanceof Uint8Array) {
      if (!caps.headers.binaryValues) {
        throw unsupported(
          transport,
          "headers",
          `header "${name}" is binary, and ${transport} carries text headers only`,
        );
      }
    } else {
      throw bad(
        transport,
        `header "${name}" must be a string or Uint8Array, got ${value === null ? "null" : typeof value}`,
      );
    }
    copy[name] = value;
  }
  return copy;
}

/** The message's value, read once; `undefined` for a non-object, which `readMessage` refuses. */
export function readValue(message: unknown, transport: string): unknown {
  if (typeof message !== "object" || message === null) return undefined;
  try {
    return (message as { value?: unknown }).value;
  } catch (error) {
    throw bad(transport, `the message's value could not be read: ${describeThrow(error)}`);
  }
}

/**
 * Reads a message and checks everything that can be checked before its value is serialized.
 * Each field is read exactly once, so a getter or Proxy cannot pass the check with one answer
 * and be sent with another, and one that throws becomes this message's `INVALID_MESSAGE`.
 * Returns the record that carries the message from here on.
 */
export function readMessage(
  message: unknown,
  caps: Capabilities,
  transport: string,
  contentType: string,
  deadLetterable: boolean,
  startedAt: number,
  clock: Clock,
): PendingRecord {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw bad(
      transport,
      `message must be an object with topic and value, got ${message === null ? "null" : typeof message}`,
    );
  }
  let topic: unknown;
  let key: unknown;
  let partition: unknown;
  let timestamp: unknown;
  let id: unknown;
  let delayMs: unknown;
  let headers: unknown;
  try {
    ({ topic, key, partition, timestamp, id, delayMs, headers } = message as Record<string, unknown>);
  } catch (error) {
    throw bad(transport, `the message could not be read: ${describeThrow(error)}`);
  }
  if (typeof topic !== "string" || topic.length === 0) {
    throw bad(transport, `topic must be a non-empty string, got ${JSON.stringify(topic) ?? "undefined"}`);
  }
  checkTopic(transport, topic);
  let keyBytes: Uint8Array | undefined;
  if (typeof key === "string") {
    checkText(transport, "key", key);
    keyBytes = Buffer.from(key);
  } else if (key instanceof Uint8Array) {
    keyBytes = key;
  } else if (key !== undefined) {
    throw bad(transport, `key must be a string or Uint8Array, got ${describeValue(key)}`);
  }
  if (partition !== undefined) {
    if (typeof partition !== "number" || !Number.isInteger(partition) || partition < 0) {
      throw bad(transport, `partition must be a non-negative integer, got ${String(partition)}`);
    }
    if (!caps.partitioned && partition !== 0) {
      throw unsupported(transport, "partition", `${transport} destinations are not partitioned`);
    }
  }
  if (timestamp !== undefined) {
    // Brokers store whole milliseconds in 64 bits; anything else would be stored as another value
    // than the one the delivery report states.
    if (
      typeof timestamp !== "number" ||
      !Number.isInteger(timestamp) ||
      timestamp < 0 ||
      timestamp > MAX_TIMESTAMP_MS
    ) {
      throw bad(
        transport,
        `timestamp must be a whole number of milliseconds from 0 to ${MAX_TIMESTAMP_MS}, got ${String(timestamp)}`,
      );
    }
    if (!caps.timestamps)
      throw unsupported(transport, "timestamp", `${transport} does not carry message timestamps`);
  }
  if (id !== undefined) {
    if (typeof id !== "string" || id.length === 0) {
      throw bad(transport, `id must be a non-empty string, got ${JSON.stringify(id) ?? "undefined"}`);
    }
    checkText(transport, "id", id);
  }
  if (delayMs !== undefined) {
    if (typeof delayMs !== "number" || !Number.isInteger(delayMs) || delayMs < 0) {
      throw bad(transport, `delayMs must be a non-negative integer, got ${String(delayMs)}`);
    }
    if (delayMs > 0 && !caps.delay.supported) {
      throw unsupported(transport, "delayMs", `${transport} does not support delayed delivery`);
    }
    if (caps.delay.maxMs !== undefined && delayMs > caps.delay.maxMs) {
      throw bad(transport, `delayMs ${delayMs} exceeds ${transport}'s maximum of ${caps.delay.maxMs} ms`);
    }
  }
  const copied = headers === undefined ? NO_HEADERS : copyHeaders(headers, caps, transport);
  return new PendingRecord(
    message as OutboundMessage,
    topic,
    // -1 means "not named": the engine's partitioner chooses (see `place`).
    (partition as number | undefined) ?? -1,
    keyBytes,
    copied,
    (timestamp as number | undefined) ?? clock.epochAt(startedAt),
    id as string | undefined,
    delayMs as number | undefined,
    contentType,
    deadLetterable,
    startedAt,
  );
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function headerBytes(headers: Headers): number {
  let total = 0;
  for (const name in headers) {
    const value = headers[name]!;
    total += utf8Length(name) + (typeof value === "string" ? utf8Length(value) : value.byteLength);
  }
  return total;
}

/** Exact bytes, with the rounded size beside them: two sizes a byte apart must not read the same. */
function formatBytes(n: number): string {
  const exact = `${n.toLocaleString("en-US")} bytes`;
  if (n >= 1024 * 1024) return `${exact} (${(n / (1024 * 1024)).toFixed(1)} MiB)`;
  if (n >= 1024) return `${exact} (${(n / 1024).toFixed(1)} KiB)`;
  return exact;
}

function serializationError(error: unknown, transport: string, topic: string): OutboundError {
  return toOutboundError(error, "SERIALIZATION_FAILED", {
    transport,
    context: `could not serialize a value for ${topic}`,
  });
}

/**
 * Gives the record its bytes once the value is serialized; the caller then checks the size (see
 * `tooLarge`) and sets the chosen partition.
 */
export function fillRecord(record: PendingRecord, value: unknown, transport: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new OutboundError(
      "SERIALIZATION_FAILED",
      `the serializer returned ${value === null ? "null" : typeof value} instead of a Uint8Array for ${record.topic}`,
      { transport },
    );
  }
  const key = record.key;
  record.value = value;
  const headers = record.headers;
  record.sizeBytes =
    value.byteLength +
    (key === undefined ? 0 : key.byteLength) +
    (headers === NO_HEADERS ? 0 : headerBytes(headers));
}

/** `MESSAGE_TOO_LARGE` for a record over the limit, `undefined` otherwise. */
export function tooLarge(
  record: { sizeBytes: number; topic: string },
  maxMessageBytes: number,
  transport: string,
): OutboundError | undefined {
  if (record.sizeBytes <= maxMessageBytes) return undefined;
  return new OutboundError(
    "MESSAGE_TOO_LARGE",
    `message of ${formatBytes(record.sizeBytes)} exceeds the ${formatBytes(maxMessageBytes)} limit`,
    { transport, details: { sizeBytes: record.sizeBytes, maxMessageBytes, topic: record.topic } },
  );
}

/** The serializer's view of a record: its headers become a private object only if it reads them. */
class RecordSerializeContext implements SerializeContext {
  constructor(private readonly record: PendingRecord) {}

  get topic(): string {
    return this.record.topic;
  }

  get headers(): Headers {
    return this.record.writableHeaders();
  }
}

/**
 * Serializes a value. Returns bytes synchronously when the serializer is synchronous, so a
 * burst of `send()` calls lands in one batch; a promise otherwise.
 */
export function serializeValue(
  serializer: Serializer,
  record: PendingRecord,
  value: unknown,
  transport: string,
): unknown | Promise<unknown> {
  const topic = record.topic;
  let out: Uint8Array | Promise<Uint8Array>;
  try {
    out = serializer.serialize(value, new RecordSerializeContext(record));
  } catch (error) {
    throw serializationError(error, transport, topic);
  }
  if (out instanceof Uint8Array) return out;
  if (out && typeof (out as Promise<Uint8Array>).then === "function") {
    return (out as Promise<Uint8Array>).catch((error: unknown) => {
      throw serializationError(error, transport, topic);
    });
  }
  return out;
}
