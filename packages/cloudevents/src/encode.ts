import { type Headers, OutboundError, type OutboundMessage } from "@outbound/core";
import type { Binding } from "./binding.js";
import { canonicalString } from "./canonical.js";
import { type AttributeValue, type CloudEventInput, type ValidEvent, validateEvent } from "./event.js";
import { invalidEvent } from "./invalid.js";
import { isJsonMediaType, STRUCTURED_CONTENT_TYPE, sameMediaType } from "./media-type.js";

/**
 * `binary`: the data is the message value and the attributes are headers, as the broker's
 * binding says. `structured`: the whole event is the value, in the JSON event format.
 */
export type ContentMode = "binary" | "structured";

/** What happens when binary mode needs more headers than the transport carries (SQS). */
export type AttributeOverflow = "refuse" | "structured";

export interface EncodeOptions {
  binding: Binding;
  /** Default `binary`. */
  mode?: ContentMode;
  /**
   * The content type the producer's serializer gives a value that is not bytes, when known: a
   * `datacontenttype` that differs from it is refused, since the header would lie about the value.
   */
  serializerContentType?: string | undefined;
  /**
   * Whether the `partitionkey` extension becomes the message key when no `key` is given (the
   * Kafka binding's key mapper, 3.1). Default true. An explicit `key` always wins.
   */
  partitionKeyAsKey?: boolean;
  /**
   * Headers the transport carries per message; default the binding's `maxHeaders`. The producer
   * passes its transport's `capabilities.headers.maxCount` once it knows it.
   */
  maxHeaders?: number | undefined;
  /** Where the binding limits headers (SQS): refuse the event (default), or send it structured. */
  attributeOverflow?: AttributeOverflow;
  /** Names the transport in errors. */
  transport?: string;
}

/** The message fields a CloudEvent does not decide. */
export type MessageOptions = Pick<
  OutboundMessage,
  "key" | "headers" | "partition" | "timestamp" | "id" | "delayMs"
>;

/** A CloudEvent as the message the producer sends. */
export interface EncodedEvent {
  message: OutboundMessage;
  /**
   * When set, the value is already bytes and goes out with this content type, past the
   * serializer (`producer.sendSerialized`); when undefined, the producer's serializer encodes
   * the value (binary mode with data that is not bytes).
   */
  serializedContentType: string | undefined;
  /** The mode actually used: `structured` when an SQS overflow fell back to it. */
  mode: ContentMode;
}

const utf8 = new TextEncoder();

/**
 * Maps a CloudEvent onto an Outbound message for `options.binding`. Throws `INVALID_MESSAGE`
 * naming the attribute for an event that is not valid CloudEvents 1.0, and for one the binding
 * cannot carry (more headers than the transport's limit, a header that would shadow an attribute).
 */
export function encodeCloudEvent(
  topic: string,
  event: CloudEventInput,
  options: EncodeOptions,
  message: MessageOptions = {},
): EncodedEvent {
  const valid = validateEvent(event, options.transport);
  const key = message.key ?? keyFrom(valid, options);
  const base: OutboundMessage = {
    ...message,
    topic,
    value: undefined,
    ...(key === undefined ? {} : { key }),
  };
  if ((options.mode ?? "binary") === "structured") return structured(base, valid, options);

  const headers = binaryHeaders(valid.attributes, options.binding, message.headers, options.transport);
  const overflow = headerOverflow(headers, options);
  if (overflow !== undefined) {
    if (options.attributeOverflow === "structured") return structured(base, valid, options);
    throw new OutboundError("INVALID_MESSAGE", overflow, {
      ...(options.transport === undefined ? {} : { transport: options.transport }),
      details: {
        headers: Object.keys(headers).length,
        maxHeaders: options.maxHeaders ?? options.binding.maxHeaders,
      },
    });
  }
  return {
    message: { ...base, headers, value: binaryValue(valid, options) },
    ...binaryContentType(valid),
    mode: "binary",
  };
}

function keyFrom(valid: ValidEvent, options: EncodeOptions): string | undefined {
  const partitionKey = valid.attributes.partitionkey;
  if (options.partitionKeyAsKey === false || partitionKey === undefined) return undefined;
  return canonicalString(partitionKey);
}

/** Every attribute but `datacontenttype` (which is the content type) as a prefixed header. */
function binaryHeaders(
  attributes: Record<string, AttributeValue>,
  binding: Binding,
  userHeaders: Headers | undefined,
  transport: string | undefined,
): Headers {
  const headers: Headers = { ...userHeaders };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "datacontenttype") continue;
    const header = binding.prefix + name;
    if (userHeaders && Object.hasOwn(userHeaders, header)) {
      throw invalidEvent(name, `would be overwritten: the message also has a header "${header}"`, transport);
    }
    headers[header] = canonicalString(value);
  }
  return headers;
}

/** Why the headers do not fit the transport's limit, or undefined when they do. */
function headerOverflow(headers: Headers, options: EncodeOptions): string | undefined {
  const { binding } = options;
  const limit = options.maxHeaders ?? binding.maxHeaders;
  const count = Object.keys(headers).length;
  if (limit === undefined || count <= limit) return undefined;
  const note = binding.limitNote ? ` (${binding.limitNote})` : "";
  return (
    `the CloudEvent needs ${count} headers in binary mode, over the ${binding.name} limit of ${limit} per message${note}; ` +
    `drop extensions or headers, or send it structured (mode: "structured", or attributeOverflow: "structured")`
  );
}

function binaryValue(valid: ValidEvent, options: EncodeOptions): unknown {
  const { data, datacontenttype } = valid;
  if (data === undefined) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  const serializer = options.serializerContentType;
  if (
    datacontenttype !== undefined &&
    serializer !== undefined &&
    !sameMediaType(datacontenttype, serializer)
  ) {
    throw invalidEvent(
      "datacontenttype",
      `is "${datacontenttype}" but the producer's serializer writes "${serializer}"; in binary mode the data ` +
        "goes through the serializer, so pass the data as bytes (Uint8Array) to send another content type",
      options.transport,
    );
  }
  return data;
}

function binaryContentType(valid: ValidEvent): { serializedContentType: string | undefined } {
  const { data, datacontenttype } = valid;
  // No data: an empty value, whose content type is the event's (or none, so nothing is claimed).
  if (data === undefined) return { serializedContentType: datacontenttype ?? "" };
  if (data instanceof Uint8Array)
    return { serializedContentType: datacontenttype ?? "application/octet-stream" };
  return { serializedContentType: undefined };
}

/** The JSON event format: attributes as members, `data` as JSON when the data is JSON, `data_base64` for bytes. */
function structured(base: OutboundMessage, valid: ValidEvent, options: EncodeOptions): EncodedEvent {
  const json: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(valid.attributes)) {
    json[name] = value instanceof Uint8Array ? canonicalString(value) : value;
  }
  const { data, datacontenttype } = valid;
  if (data instanceof Uint8Array) json.data_base64 = canonicalString(data);
  else if (data !== undefined) {
    if (datacontenttype !== undefined && !isJsonMediaType(datacontenttype) && typeof data !== "string") {
      throw invalidEvent(
        "datacontenttype",
        `is "${datacontenttype}", which is not JSON, so the data must be a string or bytes in structured mode`,
        options.transport,
      );
    }
    json.data = data;
  }
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch (error) {
    throw new OutboundError(
      "SERIALIZATION_FAILED",
      `cannot encode the CloudEvent as JSON: ${(error as Error).message}`,
      {
        ...(options.transport === undefined ? {} : { transport: options.transport }),
        cause: error,
      },
    );
  }
  return {
    message: { ...base, value: utf8.encode(text) },
    serializedContentType: STRUCTURED_CONTENT_TYPE,
    mode: "structured",
  };
}
