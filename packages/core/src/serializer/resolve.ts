import { OutboundError } from "../errors/index.js";
import { bytesSerializer } from "./bytes.js";
import { jsonSerializer } from "./json.js";
import type { Serializer } from "./serializer.js";
import { stringSerializer } from "./string.js";

/** Built-in serializers, by the name the `serializer` option takes. */
export const SERIALIZER_NAMES = ["json", "string", "bytes"] as const;
export type SerializerName = (typeof SERIALIZER_NAMES)[number];

/** What the `serializer` option accepts. */
export type SerializerSpec = SerializerName | Serializer;

/**
 * Turns the `serializer` option into a `Serializer`: a name gives a built-in, an object with a
 * non-empty `contentType` and a `serialize` method is used as is. Anything else is
 * `INVALID_CONFIG`.
 */
export function resolveSerializer(spec: SerializerSpec): Serializer {
  if (typeof spec === "string") {
    switch (spec) {
      case "json":
        return jsonSerializer;
      case "string":
        return stringSerializer as Serializer;
      case "bytes":
        return bytesSerializer as Serializer;
    }
    throw invalid(`unknown serializer "${spec}"`);
  }
  if (typeof spec === "object" && spec !== null) {
    const candidate = spec as Partial<Serializer>;
    if (typeof candidate.serialize !== "function") {
      throw invalid("the serializer object has no serialize() method");
    }
    if (typeof candidate.contentType !== "string" || candidate.contentType.trim().length === 0) {
      throw invalid("the serializer object needs a non-empty contentType string");
    }
    return spec;
  }
  throw invalid(`invalid serializer: got ${spec === null ? "null" : typeof spec}`);
}

function invalid(problem: string): OutboundError {
  return new OutboundError(
    "INVALID_CONFIG",
    `${problem}; expected one of ${SERIALIZER_NAMES.map((n) => `"${n}"`).join(", ")} or a Serializer object`,
    { details: { field: "serializer" } },
  );
}
