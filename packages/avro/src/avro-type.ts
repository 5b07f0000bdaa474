import { readFileSync } from "node:fs";
import avro from "avsc";
import { exactLongType } from "./exact-long.js";
import { avroLogicalTypes } from "./logical-types/index.js";

/** Where an Avro serializer's schema comes from: one of the three. */
export interface AvroSchemaSource {
  /** The schema as an object, JSON text, or a bare type name such as `"string"`. */
  schema?: avro.Schema | string | object;
  /** Path of an `.avsc` file holding the schema JSON. */
  schemaFile?: string;
  /** A Type you built with avsc; logical types are then yours to register (see `avroLogicalTypes`). */
  type?: avro.Type;
}

/** Builds the avsc Type, with Outbound's logical types, from whichever source was given. */
export function buildAvroType(source: AvroSchemaSource): avro.Type {
  const given = [source.schema, source.schemaFile, source.type].filter((s) => s !== undefined).length;
  if (given !== 1) throw new TypeError("give exactly one of schema, schemaFile or type");
  if (source.type !== undefined) return source.type;
  const schema =
    source.schemaFile !== undefined
      ? JSON.parse(readFileSync(source.schemaFile, "utf8"))
      : typeof source.schema === "string"
        ? parseSchemaText(source.schema)
        : source.schema;
  // assertLogicalTypes: a malformed logical type (decimal without precision) fails here, not on
  // the first message; unknown logical types still fall back to their underlying type, per spec.
  return avro.Type.forSchema(schema, {
    logicalTypes: avroLogicalTypes,
    assertLogicalTypes: true,
    registry: { long: exactLongType },
  });
}

// A bare type name ("string", "long") is a complete Avro schema, and is not JSON.
function parseSchemaText(text: string): avro.Schema {
  const trimmed = text.trim();
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(trimmed) ? trimmed : JSON.parse(trimmed);
}
