import type { Headers } from "@outbound/core";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The fields a {@link StoredMessage} is built from. */
export interface StoredMessageFields {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array | undefined;
  value: Uint8Array;
  headers: Headers;
  contentType: string | undefined;
  timestamp: number;
  appendedAt: number;
  id: string | undefined;
  delayMs: number | undefined;
  group: string | undefined;
}

/**
 * A message as the memory broker holds it: the bytes it was given (copied, so later changes to
 * the sender's buffers cannot alter it) and the coordinates it was given.
 */
export class StoredMessage {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, as a decimal string like a Kafka offset. */
  readonly offset: string;
  readonly key: Uint8Array | undefined;
  readonly value: Uint8Array;
  readonly headers: Headers;
  readonly contentType: string | undefined;
  /** The producer's timestamp (Kafka's CreateTime). */
  readonly timestamp: number;
  /** When the broker stored it (Kafka's LogAppendTime). */
  readonly appendedAt: number;
  readonly id: string | undefined;
  readonly delayMs: number | undefined;
  /** When a consumer could first see it: `appendedAt + delayMs`. */
  readonly availableAt: number;
  /** FIFO group (the key as text) on FIFO topics. */
  readonly group: string | undefined;

  constructor(fields: StoredMessageFields) {
    this.topic = fields.topic;
    this.partition = fields.partition;
    this.offset = fields.offset;
    this.key = fields.key;
    this.value = fields.value;
    this.headers = fields.headers;
    this.contentType = fields.contentType;
    this.timestamp = fields.timestamp;
    this.appendedAt = fields.appendedAt;
    this.id = fields.id;
    this.delayMs = fields.delayMs;
    this.availableAt = fields.appendedAt + (fields.delayMs ?? 0);
    this.group = fields.group;
  }

  /** The value decoded as UTF-8. */
  text(): string {
    return utf8.decode(this.value);
  }

  /** The value parsed as JSON (what the default serializer wrote). */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  /** The key decoded as UTF-8, or `undefined` for a keyless message. */
  keyText(): string | undefined {
    return this.key === undefined ? undefined : utf8.decode(this.key);
  }

  /** A header as text, whether it was sent as a string or as bytes. */
  header(name: string): string | undefined {
    const value = this.headers[name];
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : utf8.decode(value);
  }
}
