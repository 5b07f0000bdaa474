import protobuf from "protobufjs";

/** A field that cannot be encoded: where, and why. */
export class InvalidProtobufField extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/**
 * Walks a plain-object value along its message type before protobufjs verifies it: rejects keys
 * that are not fields (protobufjs would silently drop them, a misspelt or snake_case name losing
 * data), and turns enum names into their numbers so `status: "STATUS_PAID"` works as in
 * protobufjs's `fromObject`. Returns a copy; the caller's object is not changed. Message
 * instances made by the type's own constructor are trusted as they are.
 */
export function prepareValue(type: protobuf.Type, value: unknown, path = ""): unknown {
  if (value instanceof type.ctor) return value;
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new InvalidProtobufField(path || "(value)", `message ${type.fullName.slice(1)} expected`);
  }
  const result: Record<string, unknown> = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = type.fields[key];
    const fieldPath = path === "" ? key : `${path}.${key}`;
    if (field === undefined) {
      // protobufjs's toObject({ oneofs: true }) adds a virtual property naming the set member.
      if (type.oneofs?.[key] !== undefined) continue;
      throw new InvalidProtobufField(fieldPath, `no such field in ${type.fullName.slice(1)}`);
    }
    if (fieldValue === undefined || fieldValue === null) {
      result[key] = fieldValue;
      continue;
    }
    field.resolve();
    if (field.map) {
      if (typeof fieldValue !== "object" || Array.isArray(fieldValue)) {
        result[key] = fieldValue; // verify reports the shape
        continue;
      }
      const entries: Record<string, unknown> = {};
      for (const [mapKey, entry] of Object.entries(fieldValue)) {
        entries[mapKey] = prepareSingle(field, entry, `${fieldPath}[${JSON.stringify(mapKey)}]`);
      }
      result[key] = entries;
    } else if (field.repeated && Array.isArray(fieldValue)) {
      result[key] = fieldValue.map((item, index) => prepareSingle(field, item, `${fieldPath}[${index}]`));
    } else {
      result[key] = prepareSingle(field, fieldValue, fieldPath);
    }
  }
  return result;
}

function prepareSingle(field: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum && typeof value === "string") {
    const number = resolved.values[value];
    if (number === undefined)
      throw new InvalidProtobufField(path, `"${value}" is not a value of enum ${resolved.fullName.slice(1)}`);
    return number;
  }
  if (resolved instanceof protobuf.Type) return prepareValue(resolved, value, path);
  return value;
}

/**
 * Finds where a value that failed `type.verify` goes wrong, with array indexes and map keys in
 * the path (`lines[1].sku`), which protobufjs's own message leaves out (`lines.sku`). Runs only
 * after verification failed, so valid messages are verified once.
 */
export function locateInvalidField(
  type: protobuf.Type,
  value: Record<string, unknown>,
  path = "",
): InvalidProtobufField {
  for (const field of type.fieldsArray) {
    const fieldValue = value[field.name];
    const resolved = field.resolvedType;
    if (!(resolved instanceof protobuf.Type) || fieldValue === undefined || fieldValue === null) continue;
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    const items: [string, unknown][] = field.map
      ? typeof fieldValue === "object"
        ? Object.entries(fieldValue).map(([k, v]) => [`${fieldPath}[${JSON.stringify(k)}]`, v])
        : []
      : field.repeated
        ? Array.isArray(fieldValue)
          ? fieldValue.map((v, i) => [`${fieldPath}[${i}]`, v])
          : []
        : [[fieldPath, fieldValue]];
    for (const [itemPath, item] of items) {
      if (resolved.verify(item as Record<string, unknown>) !== null) {
        return locateInvalidField(resolved, item as Record<string, unknown>, itemPath);
      }
    }
  }
  const reason = type.verify(value) ?? "invalid value";
  const separator = reason.indexOf(": ");
  const field = separator > 0 ? reason.slice(0, separator) : "";
  const problem = separator > 0 ? reason.slice(separator + 2) : reason;
  return new InvalidProtobufField([path, field].filter((p) => p !== "").join(".") || "(value)", problem);
}
