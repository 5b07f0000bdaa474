import type { OutboundError, SchemaDeclaration } from "@outbound/core";
import { pulsarError } from "../errors.js";
import { SCHEMA_TYPES } from "../protocol/index.js";

/**
 * The `schema` field of a PRODUCER command for a declared schema, or an `UNSUPPORTED_FEATURE`
 * error when the type is not one the protocol knows. `BYTES` (and no declaration) means no schema.
 */
export function producerSchemaField(
  schema: SchemaDeclaration | undefined,
  topic: string,
): Record<string, unknown> | undefined | OutboundError {
  if (schema === undefined || schema.type === "BYTES") return undefined;
  const type = SCHEMA_TYPES[schema.type];
  if (type === undefined) {
    return pulsarError(
      "UNSUPPORTED_FEATURE",
      `schema type "${schema.type}" for ${topic} is not a Pulsar schema type (known: ${Object.keys(SCHEMA_TYPES).join(", ")})`,
    );
  }
  return {
    name: schema.name,
    schema_data: schema.data,
    type,
    properties: Object.entries(schema.properties).map(([key, value]) => ({ key, value })),
  };
}

/** Whether two declarations describe the same schema (the broker would store one version for both). */
export function sameSchema(a: SchemaDeclaration | undefined, b: SchemaDeclaration | undefined): boolean {
  if (a === b) return true;
  const bytesA = a === undefined || a.type === "BYTES";
  const bytesB = b === undefined || b.type === "BYTES";
  if (bytesA || bytesB) return bytesA && bytesB;
  if (a === undefined || b === undefined) return false;
  if (a.type !== b.type || a.name !== b.name) return false;
  if (Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) !== 0) return false;
  const keysA = Object.keys(a.properties);
  if (keysA.length !== Object.keys(b.properties).length) return false;
  return keysA.every((key) => a.properties[key] === b.properties[key]);
}
