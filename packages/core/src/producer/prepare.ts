import { OutboundError, toOutboundError } from "../errors/index.js";
import type { Headers, OutboundMessage } from "../message/index.js";
import type { SerializeContext, Serializer } from "../serializer/serializer.js";
import type { Capabilities } from "../transport/index.js";
import { NO_HEADERS, type PendingRecord } from "./pending.js";

function bad(transport: string, text: string): OutboundError {
  return new OutboundError("INVALID_MESSAGE", text, { transport });
}

function unsupported(transport: string, option: string, text: string): OutboundError {
  return new OutboundError("UNSUPPORTED_FEATURE", `${option}: ${text}`, { transport, details: { option } });
}

/** Everything about a message that can be checked before its value is serialized. */
export function checkMessage(
  message: unknown,
  caps: Capabilities,
  transport: string,
): asserts message is OutboundMessage {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw bad(
      transport,
      `message must be an object with topic and value, got ${message === null ? "null" : typeof message}`,
    );
  }
  const m = message as Record<string, unknown>;
  if (typeof m.topic !== "string" || m.topic.length === 0) {
    throw bad(transport, `topic must be a non-empty string, got ${JSON.stringify(m.topic) ?? "undefined"}`);
  }
  if (m.key !== undefined && typeof m.key !== "string" && !(m.key instanceof Uint8Array)) {
    throw bad(transport, `key must be a string or Uint8Array, got ${typeof m.key}`);
  }
  if (m.partition !== undefined) {
    if (typeof m.partition !== "number" || !Number.isInteger(m.partition) || m.partition < 0) {
      throw bad(transport, `partition must be a non-negative integer, got ${String(m.partition)}`);
    }
    if (!caps.partitioned && m.partition !== 0) {
      throw unsupported(transport, "partition", `${transport} destinations are not partitioned`);
    }
  }
  if (m.timestamp !== undefined) {
    if (typeof m.timestamp !== "number" || !Number.isFinite(m.timestamp) || m.timestamp < 0) {
      throw bad(
        transport,
        `timestamp must be a non-negative number of milliseconds, got ${String(m.timestamp)}`,
      );
    }
    if (!caps.timestamps)
      throw unsupported(transport, "timestamp", `${transport} does not carry message timestamps`);
  }
  if (m.id !== undefined && (typeof m.id !== "string" || m.id.length === 0)) {
    throw bad(transport, `id must be a non-empty string, got ${JSON.stringify(m.id) ?? "undefined"}`);
  }
  if (m.delayMs !== undefined) {
    if (typeof m.delayMs !== "number" || !Number.isInteger(m.delayMs) || m.delayMs < 0) {
      throw bad(transport, `delayMs must be a non-negative integer, got ${String(m.delayMs)}`);
    }
    if (m.delayMs > 0 && !caps.delay.supported) {
      throw unsupported(transport, "delayMs", `${transport} does not support delayed delivery`);
    }
    if (caps.delay.maxMs !== undefined && m.delayMs > caps.delay.maxMs) {
      throw bad(transport, `delayMs ${m.delayMs} exceeds ${transport}'s maximum of ${caps.delay.maxMs} ms`);
    }
  }
  if (m.headers !== undefined) {
    if (typeof m.headers !== "object" || m.headers === null || Array.isArray(m.headers)) {
      throw bad(transport, "headers must be an object of string or Uint8Array values");
    }
    const entries = Object.entries(m.headers);
    if (entries.length > 0 && !caps.headers.supported) {
      throw unsupported(transport, "headers", `${transport} does not carry headers`);
    }
    if (caps.headers.maxCount !== undefined && entries.length > caps.headers.maxCount) {
      throw bad(
        transport,
        `${entries.length} headers exceed ${transport}'s limit of ${caps.headers.maxCount} per message`,
      );
    }
    for (const [name, value] of entries) {
      if (name.length === 0) throw bad(transport, "header names must not be empty");
      if (typeof value === "string") continue;
      if (value instanceof Uint8Array) {
        if (!caps.headers.binaryValues) {
          throw unsupported(
            transport,
            "headers",
            `header "${name}" is binary, and ${transport} carries text headers only`,
          );
        }
        continue;
      }
      throw bad(
        transport,
        `header "${name}" must be a string or Uint8Array, got ${value === null ? "null" : typeof value}`,
      );
    }
  }
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

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
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
  const message = record.message;
  if (!(value instanceof Uint8Array)) {
    throw new OutboundError(
      "SERIALIZATION_FAILED",
      `the serializer returned ${value === null ? "null" : typeof value} instead of a Uint8Array for ${message.topic}`,
      { transport },
    );
  }
  const key =
    message.key === undefined
      ? undefined
      : typeof message.key === "string"
        ? Buffer.from(message.key)
        : message.key;
  record.key = key;
  record.value = value;
  record.timestamp = message.timestamp ?? Date.now();
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
  transport: string,
): unknown | Promise<unknown> {
  const topic = record.topic;
  let out: Uint8Array | Promise<Uint8Array>;
  try {
    out = serializer.serialize(record.message.value, new RecordSerializeContext(record));
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
