import { isWellFormed } from "../message/well-formed.js";
import { serializationFailed } from "./serialization-error.js";
import type { Serializer } from "./serializer.js";
import { describeValueType } from "./value-type.js";

const encoder = new TextEncoder();

/**
 * Sends strings as UTF-8, content type `text/plain; charset=utf-8`. Anything but a string fails
 * with `SERIALIZATION_FAILED` (no implicit `String(value)`), and so does a string with a lone
 * UTF-16 surrogate, which UTF-8 cannot carry: encoding it would silently replace it with U+FFFD.
 */
export const stringSerializer: Serializer<string> = {
  contentType: "text/plain; charset=utf-8",
  serialize(value, context) {
    if (typeof value !== "string") {
      throw serializationFailed(
        "string",
        context.topic,
        `expects a string value, got ${describeValueType(value)}`,
      );
    }
    if (!isWellFormed(value)) {
      throw serializationFailed(
        "string",
        context.topic,
        "the string contains a lone UTF-16 surrogate, which UTF-8 cannot encode without altering it",
      );
    }
    return encoder.encode(value);
  },
};
