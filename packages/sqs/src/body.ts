/**
 * SQS bodies are text limited to the XML character set: #x9, #xA, #xD, #x20-#xD7FF,
 * #xE000-#xFFFD and #x10000-#x10FFFF, at least one character. Outbound records carry bytes, so
 * each value travels in one of three forms, named by a custom type label on the `content-type`
 * attribute (SQS allows `String.<label>` data types):
 *
 * - `String`: the bytes are UTF-8 text SQS accepts; the body is that text, unchanged.
 * - `String.base64`: anything else (binary, invalid UTF-8, U+0000, U+FFFF); the body is base64.
 * - `String.empty`: an empty value; SQS rejects empty bodies, so the body is one space.
 * - `String.outbound-body`: a binary value whose base64 would pass the size limit; the raw bytes
 *   travel in the Binary attribute `outbound-body` and the body is one space. Base64 grows
 *   binary by a third, a Binary attribute does not, so a binary value can still come close to
 *   the limit at the cost of one attribute.
 *
 * The marker rides on the content type's data type so it costs none of the 10 attributes.
 */
export type BodyEncoding = "text" | "base64" | "empty" | "attribute";

export const BODY_DATA_TYPE: Record<BodyEncoding, string> = {
  text: "String",
  base64: "String.base64",
  empty: "String.empty",
  attribute: "String.outbound-body",
};

export const EMPTY_BODY_PLACEHOLDER = " ";

/** Keeps a leading U+FEFF: stripping it would change the bytes. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** True when every character of `text` is one SQS accepts in a body or String attribute. */
export function isSqsText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0xd7ff) continue;
    if (c === 0x9 || c === 0xa || c === 0xd) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    // A surrogate pair encodes #x10000-#x10FFFF; strict UTF-8 decoding never leaves lone halves.
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return false;
  }
  return true;
}

/** Decodes bytes as UTF-8 text SQS can carry, or returns undefined. */
export function asSqsText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return isSqsText(text) ? text : undefined;
}

export interface EncodedBody {
  body: string;
  encoding: BodyEncoding;
}

/** Picks the body form for a value; see the module comment. */
export function encodeBody(value: Uint8Array): EncodedBody {
  if (value.byteLength === 0) return { body: EMPTY_BODY_PLACEHOLDER, encoding: "empty" };
  const text = asSqsText(value);
  if (text !== undefined) return { body: text, encoding: "text" };
  return {
    body: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
    encoding: "base64",
  };
}

/** The inverse of `encodeBody` (and of the `outbound-body` form, given that attribute's bytes). */
export function decodeBody(
  body: string,
  dataType: string | undefined,
  bodyAttribute?: Uint8Array,
): Uint8Array {
  if (dataType === BODY_DATA_TYPE.attribute) return new Uint8Array(bodyAttribute ?? new Uint8Array(0));
  if (dataType === BODY_DATA_TYPE.base64) return new Uint8Array(Buffer.from(body, "base64"));
  if (dataType === BODY_DATA_TYPE.empty) return new Uint8Array(0);
  return new Uint8Array(Buffer.from(body, "utf8"));
}
