/**
 * Protobuf wire-format primitives for the encoders that write straight into a frame buffer
 * (the per-message batch metadata), where protobufjs' writer would allocate per message.
 * Numbers are non-negative integers below 2^53: lengths, sizes, sequence ids and timestamps.
 */

/** Bytes of `value` as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Writes `value` as a varint at `offset`; returns the offset after it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let o = offset;
  // Division, not shifts, above 2^31: bitwise operators would cut 64-bit values to 32 bits.
  let v = value;
  while (v > 0x7fffffff) {
    target[o++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  while (v > 0x7f) {
    target[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[o++] = v;
  return o;
}

/** Strings longer than this go to Buffer's native UTF-8 code instead of a JavaScript loop. */
const SHORT_STRING = 64;

/** UTF-8 length of `text`; short ASCII strings (header names, content types) are counted in JavaScript. */
export function utf8Length(text: string): number {
  const length = text.length;
  if (length > SHORT_STRING) return Buffer.byteLength(text, "utf8");
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, "utf8");
  }
  return length;
}

/** Writes `text`, whose UTF-8 length is `bytes` (from `utf8Length`), at `offset`; returns the offset after it. */
export function writeUtf8(target: Buffer, offset: number, text: string, bytes: number): number {
  // Same length in bytes as in UTF-16 units means every character is ASCII.
  if (bytes === text.length && bytes <= SHORT_STRING) {
    for (let i = 0; i < bytes; i++) target[offset + i] = text.charCodeAt(i);
    return offset + bytes;
  }
  return offset + target.write(text, offset, bytes, "utf8");
}
