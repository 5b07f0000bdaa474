import { serializationFailed } from "./serialization-error.js";
import type { Serializer } from "./serializer.js";
import { describeValueType } from "./value-type.js";

/** What the bytes serializer accepts. A `Buffer` is a `Uint8Array`. */
export type BytesValue = Uint8Array | ArrayBuffer;

/**
 * Sends bytes as they are, content type `application/octet-stream`. A `Uint8Array` (or
 * `Buffer`) is used without copying, so do not modify it until its send settles; an
 * `ArrayBuffer` is wrapped in a view. Anything else (strings, other typed arrays, plain
 * objects) fails with `SERIALIZATION_FAILED` instead of being converted.
 */
export const bytesSerializer: Serializer<BytesValue> = {
  contentType: "application/octet-stream",
  serialize(value, context) {
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    throw serializationFailed(
      "bytes",
      context.topic,
      `expects a Uint8Array, Buffer or ArrayBuffer value, got ${describeValueType(value)}`,
    );
  },
};
