const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Header or value bytes, whether a probe reported text or bytes. */
export function asBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? utf8Encoder.encode(value) : value;
}

export function asText(value: string | Uint8Array): string {
  return typeof value === "string" ? value : utf8Decoder.decode(value);
}

/** Hex so a byte mismatch shows up readably in an assertion diff. */
export function hex(value: string | Uint8Array): string {
  return Buffer.from(asBytes(value)).toString("hex");
}
