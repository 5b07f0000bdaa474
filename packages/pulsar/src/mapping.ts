import type { OutboundError, OutboundRecord } from "@outbound/core";
import type { PreparedMessage } from "./client/producer.js";
import { pulsarError } from "./errors.js";
import { type KeyValue, type SingleMessageFields, utf8Length } from "./protocol/index.js";

/** The property that carries the serializer's content type (the same name on every broker). */
export const CONTENT_TYPE_PROPERTY = "content-type";
/** The property that carries the message's `id`. */
export const MESSAGE_ID_PROPERTY = "message-id";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Bytes as text when they are valid UTF-8, else `undefined`. */
function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The last content-type property made. A producer's records share one serializer, so one
 * object serves them all instead of one per message; properties are never modified after mapping.
 */
let contentTypeProperty: KeyValue = { key: CONTENT_TYPE_PROPERTY, value: "" };

/** A record as a batch entry, plus when the broker may deliver it. */
export interface MappedRecord {
  message: PreparedMessage;
  /** `deliver_at_time` for `delayMs`; such records travel in a SEND of their own. */
  deliverAtTime: number | undefined;
}

/**
 * Maps a record onto Pulsar's message fields:
 * - headers become properties (Pulsar properties are strings: byte values must be UTF-8);
 * - the content type and `id` become the `content-type` and `message-id` properties;
 * - the key becomes `partition_key` (base64 with `partition_key_b64_encoded` when it is not
 *   UTF-8, as the Java client's `keyBytes` does) and also `ordering_key`, its raw bytes;
 * - the timestamp becomes `event_time`, and `delayMs` a `deliver_at_time`.
 */
export function mapRecord(record: OutboundRecord, now: number): MappedRecord | OutboundError {
  const headers = record.headers;
  const properties: KeyValue[] = [];
  for (const name in headers) {
    const value = headers[name] as string | Uint8Array;
    const text = typeof value === "string" ? value : utf8OrUndefined(value);
    if (text === undefined) {
      return pulsarError(
        "INVALID_MESSAGE",
        `header "${name}" holds bytes that are not UTF-8; Pulsar properties are strings`,
      );
    }
    properties.push({ key: name, value: text });
  }
  // A header of the same name wins over the derived property.
  if (record.contentType && !Object.hasOwn(headers, CONTENT_TYPE_PROPERTY)) {
    if (contentTypeProperty.value !== record.contentType) {
      contentTypeProperty = { key: CONTENT_TYPE_PROPERTY, value: record.contentType };
    }
    properties.push(contentTypeProperty);
  }
  if (record.id !== undefined && !Object.hasOwn(headers, MESSAGE_ID_PROPERTY)) {
    properties.push({ key: MESSAGE_ID_PROPERTY, value: record.id });
  }
  // Every field present (undefined when unset), so all metadata objects share one shape and
  // the batch encoder's property reads stay monomorphic.
  const metadata: SingleMessageFields = {
    properties,
    partition_key: undefined,
    event_time: record.timestamp > 0 ? record.timestamp : undefined,
    partition_key_b64_encoded: undefined,
    ordering_key: record.key,
  };
  if (record.key !== undefined) {
    const text = utf8OrUndefined(record.key);
    if (text === undefined) {
      metadata.partition_key = Buffer.from(record.key).toString("base64");
      metadata.partition_key_b64_encoded = true;
    } else {
      metadata.partition_key = text;
    }
  }
  return {
    message: { payload: record.value, metadata },
    deliverAtTime: record.delayMs !== undefined && record.delayMs > 0 ? now + record.delayMs : undefined,
  };
}

/** Bytes a mapped record adds to a SEND, counted generously to stay under the broker's limit. */
export function estimatedSize(mapped: MappedRecord): number {
  let size = mapped.message.payload.length + 64;
  for (const property of mapped.message.metadata.properties ?? []) {
    size += utf8Length(property.key) + utf8Length(property.value) + 8;
  }
  const key = mapped.message.metadata.ordering_key;
  if (key) size += key.length * 3;
  return size;
}
