import { OutboundError } from "@outbound/core";
import { CloudEvent, type CloudEventV1, ValidationError } from "cloudevents";
import { invalidEvent } from "./invalid.js";

/**
 * What the producer side takes: a `CloudEvent` from the `cloudevents` package, or any object of
 * its `CloudEventV1` shape. Nothing is filled in: an event without `id` is refused, not given one.
 */
export type CloudEventInput<T = unknown> = CloudEventV1<T> | CloudEvent<T>;

/** An attribute value in the CloudEvents type system: String (and URI, Timestamp), Boolean, Integer, Binary. */
export type AttributeValue = string | boolean | number | Uint8Array;

/** A validated event: its attributes (without `data`) and its data, bytes when given as `data_base64`. */
export interface ValidEvent {
  /** Every attribute with a value, context attributes first, in the event's own order. */
  attributes: Record<string, AttributeValue>;
  data: unknown;
  datacontenttype: string | undefined;
}

export const REQUIRED_ATTRIBUTES = ["id", "source", "type", "specversion"] as const;
/** Context attributes of CloudEvents 1.0 whose values are strings. */
const STRING_ATTRIBUTES = new Set([
  "id",
  "source",
  "type",
  "specversion",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
]);
/** The data members, which are not attributes. */
const NOT_ATTRIBUTES = new Set(["data", "data_base64"]);
/**
 * CloudEvents 0.3 attributes that 1.0 renamed or dropped. The SDK's `CloudEvent` has them as
 * members (undefined on a 1.0 event, so skipped as unset) and refuses them on a 1.0 event.
 */
const RETIRED_ATTRIBUTES: Readonly<Record<string, string>> = {
  schemaurl: "1.0 renamed it dataschema",
  datacontentencoding: "1.0 dropped it; send bytes as data, or data_base64",
};
/** CloudEvents 1.0, "Attribute Naming Convention": lower-case ASCII letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks `event` against CloudEvents 1.0 and returns its attributes, or throws `INVALID_MESSAGE`
 * naming the first attribute at fault. The required attributes, names and value types are
 * checked here (so the error can name the attribute); formats (`time` as RFC 3339, `dataschema`
 * as a URI, non-empty `source`) by the `cloudevents` SDK's own JSON-schema validation.
 */
export function validateEvent(event: unknown, transport?: string): ValidEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event) || event instanceof Uint8Array) {
    throw invalidEvent(
      "specversion",
      `cannot be read: a CloudEvent must be an object, got ${describe(event)}`,
      transport,
    );
  }
  const source = event as Record<string, unknown>;
  for (const name of REQUIRED_ATTRIBUTES) {
    const value = source[name];
    if (value === undefined || value === null || value === "") {
      throw invalidEvent(
        name,
        "is missing; CloudEvents requires id, source, type and specversion",
        transport,
      );
    }
  }
  if (source.specversion !== "1.0") {
    throw invalidEvent(
      "specversion",
      `is ${JSON.stringify(source.specversion)}; only CloudEvents "1.0" is supported`,
      transport,
    );
  }

  const attributes: Record<string, AttributeValue> = {};
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (NOT_ATTRIBUTES.has(name) || value === undefined || value === null) continue;
    const retired = RETIRED_ATTRIBUTES[name];
    if (retired !== undefined)
      throw invalidEvent(name, `is a CloudEvents 0.3 attribute: ${retired}`, transport);
    if (!ATTRIBUTE_NAME.test(name)) {
      throw invalidEvent(
        name,
        "has an invalid name: CloudEvents attribute names are lower-case letters a-z and digits 0-9",
        transport,
      );
    }
    attributes[name] = attributeValue(name, value, transport);
  }

  const data = dataOf(source, transport);
  checkWithSdk(attributes, transport);
  return { attributes, data, datacontenttype: attributes.datacontenttype as string | undefined };
}

function attributeValue(name: string, value: unknown, transport: string | undefined): AttributeValue {
  if (name === "time" && value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidEvent(name, "is an invalid Date", transport);
    return value.toISOString();
  }
  if (STRING_ATTRIBUTES.has(name)) {
    if (typeof value !== "string")
      throw invalidEvent(name, `must be a string, got ${describe(value)}`, transport);
    return value;
  }
  if (typeof value === "string" || typeof value === "boolean" || value instanceof Uint8Array) return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidEvent(name, "is an invalid Date", transport);
    return value.toISOString();
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw invalidEvent(
        name,
        `is ${value}; a CloudEvents Integer is a whole number from -2^31 to 2^31-1`,
        transport,
      );
    }
    return value;
  }
  throw invalidEvent(
    name,
    `has a ${describe(value)} value; an attribute is a string, boolean, integer, Date or Uint8Array`,
    transport,
  );
}

function dataOf(source: Record<string, unknown>, transport: string | undefined): unknown {
  const base64 = source.data_base64;
  if (base64 === undefined || base64 === null) return source.data;
  if (source.data !== undefined && source.data !== null) {
    // The SDK's CloudEvent keeps binary data twice, as data and as its data_base64.
    if (source.data instanceof Uint8Array && Buffer.from(source.data).toString("base64") === base64) {
      return source.data;
    }
    throw invalidEvent(
      "data_base64",
      "is set together with other data; an event has one or the other",
      transport,
    );
  }
  if (typeof base64 !== "string" || !BASE64.test(base64)) {
    throw invalidEvent("data_base64", "must be a base64 string", transport);
  }
  return new Uint8Array(Buffer.from(base64, "base64"));
}

/** The SDK's schema validation, with its error turned into one that names the attribute. */
function checkWithSdk(attributes: Record<string, AttributeValue>, transport: string | undefined): void {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    plain[name] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
  }
  try {
    new CloudEvent(plain, false).validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OutboundError("INVALID_MESSAGE", `the cloudevents SDK refused the event: ${reason}`, {
        ...(transport === undefined ? {} : { transport }),
        cause: error,
      });
    }
    const first = (error.errors ?? [])[0] as { instancePath?: string; message?: string } | string | undefined;
    const path = typeof first === "object" ? first.instancePath : undefined;
    const attribute = path ? path.replace(/^\//, "").split("/")[0]! : "specversion";
    const reason = typeof first === "object" && first.message ? first.message : error.message;
    throw invalidEvent(attribute, `is invalid: ${reason}`, transport, error);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value === "object" ? "an object" : typeof value;
}
