import type avro from "avsc";
import { DecimalType } from "./decimal.js";
import { TimestampMillisType } from "./timestamp-millis.js";
import { UuidType } from "./uuid.js";

export { DecimalType, TimestampMillisType, UuidType };

/**
 * The logical types Outbound implements, keyed as avsc's `logicalTypes` option expects. Pass it
 * to `avro.Type.forSchema(schema, { logicalTypes: avroLogicalTypes })` when you build a Type
 * yourself.
 */
export const avroLogicalTypes: Record<
  string,
  new (
    schema: avro.Schema,
    options?: unknown,
  ) => avro.types.LogicalType
> = {
  "timestamp-millis": TimestampMillisType,
  decimal: DecimalType,
  uuid: UuidType,
};
