import type { AttributeValue } from "./event.js";

/**
 * An attribute's canonical string form (CloudEvents 1.0, "Type System"): Booleans as `true` or
 * `false`, Integers in decimal, Binary as base64, strings (URI, Timestamp) as they are. Every
 * binding Outbound uses carries attributes as strings: Kafka requires it, and the AMQP binding
 * allows the canonical string form (3.1.3.2).
 */
export function canonicalString(value: AttributeValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  return String(value);
}
