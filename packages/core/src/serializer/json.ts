import { serializationFailed } from "./serialization-error.js";
import type { Serializer } from "./serializer.js";
import { describeValueType } from "./value-type.js";

const encoder = new TextEncoder();

/**
 * The default serializer: `JSON.stringify`, UTF-8 encoded, content type `application/json`.
 *
 * A value JSON cannot represent fails the message with `SERIALIZATION_FAILED` rather than
 * sending something else: `undefined`, a function or a symbol at the top level (send `null` to
 * mean "no value"), a BigInt, a cycle, or a `toJSON()` that throws. Inside objects and arrays
 * `JSON.stringify`'s usual rules apply: `undefined` properties are left out, `undefined` array
 * items and non-finite numbers become `null`.
 */
export const jsonSerializer: Serializer<unknown> = {
  contentType: "application/json",
  serialize(value, context) {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw serializationFailed("json", context.topic, `cannot encode the value as JSON: ${reason}`, error);
    }
    if (text === undefined) {
      throw serializationFailed(
        "json",
        context.topic,
        `cannot encode ${describeValueType(value)} as JSON; send null for an empty value, or use the bytes serializer`,
      );
    }
    return encoder.encode(text);
  },
};
