import type { CloudEventV1 } from "cloudevents";
import { BINDINGS, type Binding, type BindingName } from "./binding.js";
import { validateEvent } from "./event.js";
import { invalidEvent } from "./invalid.js";
import { isJsonMediaType, isStructuredMediaType } from "./media-type.js";

/** A message as a consumer (or a test's probe) reads it. */
export interface ReceivedMessage {
  headers: Record<string, string | Uint8Array>;
  value: Uint8Array;
  /** The broker's content-type field (AMQP property, SQS attribute); else the `content-type` header is used. */
  contentType?: string | undefined;
}

const utf8 = new TextDecoder();

/**
 * Reads a CloudEvent back from a message in either content mode, telling them apart by the
 * content type as every binding does. Attributes read from headers stay in their canonical
 * string form. Throws `INVALID_MESSAGE` when the message is not a valid CloudEvent.
 */
export function fromMessage(message: ReceivedMessage, binding: Binding | BindingName): CloudEventV1<unknown> {
  const { prefix } = typeof binding === "string" ? BINDINGS[binding] : binding;
  const contentType = message.contentType ?? textOf(message.headers["content-type"]);
  if (isStructuredMediaType(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(message.value));
    } catch (error) {
      throw invalidEvent("data", "cannot be read: the structured-mode value is not JSON", undefined, error);
    }
    const valid = validateEvent(parsed);
    return {
      ...(valid.attributes as CloudEventV1<unknown>),
      ...(valid.data === undefined ? {} : { data: valid.data }),
    };
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (name.startsWith(prefix)) event[name.slice(prefix.length)] = textOf(value);
  }
  if (contentType) event.datacontenttype = contentType;
  if (message.value.byteLength > 0) event.data = dataOf(message.value, contentType);
  validateEvent(event);
  return event as unknown as CloudEventV1<unknown>;
}

function dataOf(value: Uint8Array, contentType: string | undefined): unknown {
  if (contentType === undefined) return value;
  if (isJsonMediaType(contentType)) return JSON.parse(utf8.decode(value));
  if (contentType.toLowerCase().startsWith("text/")) return utf8.decode(value);
  return value;
}

function textOf(value: string | Uint8Array | undefined): string | undefined {
  return value === undefined || typeof value === "string" ? value : utf8.decode(value);
}
