import type avro from "avsc";

/** The first field of `value` that does not match `type`, as a readable path and the expected type. */
export interface InvalidField {
  /** `lines[2].price`; `""` for the top-level value. */
  path: string;
  /** The Avro type expected there: `long`, `logical:decimal`, `record com.acme.Line`. */
  expected: string;
  /** What was found, named by type only: values may be sensitive. */
  found: string;
}

/** Returns where `value` fails `type`, or undefined when it is valid. */
export function findInvalidField(type: avro.Type, value: unknown): InvalidField | undefined {
  let first: InvalidField | undefined;
  const valid = type.isValid(value, {
    errorHook(path: string[], found: unknown, at: avro.Type) {
      first ??= { path: formatPath(path), expected: describeType(at), found: describeValue(found) };
    },
  });
  if (valid) return undefined;
  return first ?? { path: "", expected: describeType(type), found: describeValue(value) };
}

function formatPath(path: readonly string[]): string {
  let text = "";
  for (const part of path) {
    if (/^\d+$/.test(part)) text += `[${part}]`;
    else text += text.length === 0 ? part : `.${part}`;
  }
  return text;
}

function describeType(type: avro.Type): string {
  const name = type.typeName;
  if (name.startsWith("union:")) {
    const branches = (type as avro.Type & { types: avro.Type[] }).types;
    return `one of ${branches.map(describeType).join(" | ")}`;
  }
  // "logical:decimal" reads as decimal; the exact long is avsc's "abstract:long".
  const colon = name.indexOf(":");
  if (colon >= 0) return name.slice(colon + 1);
  return type.name !== undefined ? `${name} ${type.name}` : name;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing (missing)";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  if (Buffer.isBuffer(value)) return "a Buffer";
  if (value instanceof Uint8Array) return "a Uint8Array (bytes need a Buffer)";
  if (typeof value === "number" && !Number.isSafeInteger(value) && Number.isInteger(value)) {
    return "a number outside the safe integer range";
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
