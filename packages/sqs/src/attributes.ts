import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { HeaderValue } from "@outbound/core";
import { isSqsText } from "./body.js";

/** SQS's limit on message attributes per message. */
export const MAX_ATTRIBUTES = 10;

/** The attribute carrying the record's content type (and, in its data type label, the body form). */
export const CONTENT_TYPE_ATTRIBUTE = "content-type";
/** The attribute carrying the record's key, byte-exact, on every queue type. */
export const KEY_ATTRIBUTE = "outbound-key";
/**
 * Carries a binary value whose base64 form would pass the size limit, as raw bytes; only then
 * does a message use it (see body.ts).
 */
export const BODY_ATTRIBUTE = "outbound-body";
/** Names Outbound writes itself; a header may not use them. */
export const RESERVED_ATTRIBUTES: readonly string[] = [CONTENT_TYPE_ATTRIBUTE, KEY_ATTRIBUTE, BODY_ATTRIBUTE];
/** Headers a message can always carry: SQS's 10 less the content type and the key. */
export const MAX_USER_ATTRIBUTES = MAX_ATTRIBUTES - 2;

/**
 * SQS rejects empty attribute values. An empty value travels as a one-unit placeholder whose
 * data type label says it stands for nothing, so it reads back empty.
 */
export const EMPTY_STRING_TYPE = "String.empty";
export const EMPTY_BINARY_TYPE = "Binary.empty";
/**
 * A String header holding characters SQS refuses in String attributes (U+0000, U+FFFF, other
 * control characters) travels as its UTF-8 bytes in a Binary attribute with this label.
 */
export const TEXT_AS_BINARY_TYPE = "Binary.text";

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/** Why a header name is not a valid SQS attribute name, or undefined when it is. */
export function attributeNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return "SQS attribute names are 1-256 characters of A-Z, a-z, 0-9, '_', '-' and '.'";
  if (/^(aws|amazon)\./i.test(name)) return "SQS reserves names starting with 'AWS.' and 'Amazon.'";
  if (name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    return "SQS attribute names cannot start or end with '.' or hold '..'";
  }
  return undefined;
}

const utf8 = new TextEncoder();

/** The attribute for a header or key value. */
export function encodeAttribute(value: HeaderValue): MessageAttributeValue {
  if (typeof value === "string") {
    if (value.length === 0) return { DataType: EMPTY_STRING_TYPE, StringValue: " " };
    if (!isSqsText(value)) return { DataType: TEXT_AS_BINARY_TYPE, BinaryValue: utf8.encode(value) };
    return { DataType: "String", StringValue: value };
  }
  if (value.byteLength === 0) return { DataType: EMPTY_BINARY_TYPE, BinaryValue: new Uint8Array([0]) };
  return { DataType: "Binary", BinaryValue: value };
}

/** The inverse of `encodeAttribute`, for consumers and the test probe. */
export function decodeAttribute(value: MessageAttributeValue): HeaderValue {
  const type = value.DataType ?? "String";
  if (type === EMPTY_STRING_TYPE) return "";
  if (type === EMPTY_BINARY_TYPE) return new Uint8Array(0);
  if (type === TEXT_AS_BINARY_TYPE) return new TextDecoder().decode(value.BinaryValue ?? new Uint8Array(0));
  if (type === "Binary" || type.startsWith("Binary."))
    return new Uint8Array(value.BinaryValue ?? new Uint8Array(0));
  return value.StringValue ?? "";
}
