import avro from "avsc";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `uuid` on a `string`: the 36-character RFC 4122 text form, any case, sent as given (write it in
 * lower case to match what other Avro libraries emit). Anything else is rejected.
 */
export class UuidType extends avro.types.LogicalType {
  protected override _fromValue(value: string): string {
    return value;
  }

  protected override _toValue(value: unknown): string | undefined {
    return typeof value === "string" && UUID_PATTERN.test(value) ? value : undefined;
  }

  protected override _resolve(type: avro.Type): ((value: string) => string) | undefined {
    if (avro.Type.isType(type, "string", "logical:uuid")) return (value) => value;
    return undefined;
  }
}
