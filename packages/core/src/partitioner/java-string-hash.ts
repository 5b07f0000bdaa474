import { checkPartitionCount, requireKey } from "./partition-input.js";
import type { Partitioner } from "./partitioner.js";

const REPLACEMENT = 0xfffd;

/** Java's `String.hashCode()`: `h = 31 * h + c` over UTF-16 code units, as a signed 32-bit integer. */
export function javaStringHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * `new String(bytes, UTF_8).hashCode()` as Java computes it, without building the string.
 *
 * Valid UTF-8 decodes as everywhere. Malformed input is replaced with U+FFFD the way the JDK's
 * decoder does, which is the WHATWG rule (one U+FFFD per maximal invalid subpart) except for
 * encoded surrogates (`ED A0..BF ..`): Java takes the lead byte and its continuation bytes as
 * one malformed sequence, while `TextDecoder` emits one U+FFFD per byte. `TextDecoder` would
 * therefore hash such keys differently from Java.
 */
export function javaStringHashOfUtf8(bytes: Uint8Array): number {
  let h = 0;
  let i = 0;
  while (i < bytes.length) {
    const b1 = bytes[i]!;
    if (b1 < 0x80) {
      h = (Math.imul(h, 31) + b1) | 0;
      i++;
      continue;
    }
    const decoded = decodeJavaUtf8(bytes, i);
    const codePoint = decoded & CODE_POINT_MASK;
    i += decoded >>> LENGTH_SHIFT;
    if (codePoint >= 0x10000) {
      // Java strings hold a supplementary character as a surrogate pair: two code units.
      const offset = codePoint - 0x10000;
      h = (Math.imul(h, 31) + (0xd800 | (offset >> 10))) | 0;
      h = (Math.imul(h, 31) + (0xdc00 | (offset & 0x3ff))) | 0;
    } else {
      h = (Math.imul(h, 31) + codePoint) | 0;
    }
  }
  return h;
}

const LENGTH_SHIFT = 21;
const CODE_POINT_MASK = (1 << LENGTH_SHIFT) - 1;
const pack = (length: number, codePoint: number) => (length << LENGTH_SHIFT) | codePoint;

function continuationAt(bytes: Uint8Array, at: number): number | undefined {
  const b = bytes[at];
  return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : undefined;
}

/**
 * Decodes the non-ASCII sequence at `at` as the JDK does: returns the code point (or U+FFFD)
 * packed with the number of bytes it took (`pack`). A malformed sequence takes its longest
 * valid-looking prefix, at least the lead byte.
 */
function decodeJavaUtf8(bytes: Uint8Array, at: number): number {
  const b1 = bytes[at]!;
  if (b1 >= 0xc2 && b1 <= 0xdf) {
    const c2 = continuationAt(bytes, at + 1);
    return c2 === undefined ? pack(1, REPLACEMENT) : pack(2, ((b1 & 0x1f) << 6) | c2);
  }
  if (b1 >= 0xe0 && b1 <= 0xef) {
    const c2 = continuationAt(bytes, at + 1);
    // E0 must not be overlong. ED's surrogate range passes here, as in Java, and is rejected
    // below as one malformed sequence.
    if (c2 === undefined || (b1 === 0xe0 && c2 < 0x20)) return pack(1, REPLACEMENT);
    const c3 = continuationAt(bytes, at + 2);
    if (c3 === undefined) return pack(2, REPLACEMENT);
    const unit = ((b1 & 0x0f) << 12) | (c2 << 6) | c3;
    return pack(3, unit >= 0xd800 && unit <= 0xdfff ? REPLACEMENT : unit);
  }
  if (b1 >= 0xf0 && b1 <= 0xf4) {
    const c2 = continuationAt(bytes, at + 1);
    // F0 must not be overlong; F4 must stay at or below U+10FFFF.
    if (c2 === undefined || (b1 === 0xf0 && c2 < 0x10) || (b1 === 0xf4 && c2 > 0x0f))
      return pack(1, REPLACEMENT);
    const c3 = continuationAt(bytes, at + 2);
    if (c3 === undefined) return pack(2, REPLACEMENT);
    const c4 = continuationAt(bytes, at + 3);
    if (c4 === undefined) return pack(3, REPLACEMENT);
    return pack(4, ((b1 & 0x07) << 18) | (c2 << 12) | (c3 << 6) | c4);
  }
  // A stray continuation byte, C0, C1 or F5..FF: one U+FFFD by itself.
  return pack(1, REPLACEMENT);
}

/**
 * Pulsar's `HashingScheme.JavaStringHash` (the Java client's default): `String.hashCode()` of
 * the key, `& Integer.MAX_VALUE`, then modulo the partition count. Matches the Java client for
 * text keys. (The Java client hashes a binary key, set with `keyBytes`, in its base64 form;
 * this partitioner hashes the UTF-8 decoding of the bytes the engine hands it, as Pulsar's
 * `JavaStringHash.makeHash(byte[])` does.)
 */
export const javaStringHashPartitioner: Partitioner = {
  name: "java-string-hash",
  partition(input) {
    const key = requireKey("java-string-hash", input);
    checkPartitionCount("java-string-hash", input);
    return (javaStringHashOfUtf8(key) & 0x7fffffff) % input.partitions;
  },
};
