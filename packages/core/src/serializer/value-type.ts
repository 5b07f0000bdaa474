/** Names a value's type for an error message, without printing the value (it may be sensitive). */
export function describeValueType(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name.length > 0 && name !== "Object" ? name : "an object";
  }
  return `a ${typeof value}`;
}
