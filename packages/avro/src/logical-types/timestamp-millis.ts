import avro from "avsc";

/**
 * `timestamp-millis` on a `long`: milliseconds since the Unix epoch, UTC. Takes a `Date` or an
 * integer number of milliseconds; decodes to a `Date`. An invalid `Date` is rejected.
 */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(value: number | bigint): Date {
    return new Date(Number(value));
  }

  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) {
      const time = value.getTime();
      return Number.isNaN(time) ? undefined : time;
    }
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    return undefined;
  }

  protected override _resolve(type: avro.Type): ((value: number | bigint) => Date) | undefined {
    if (avro.Type.isType(type, "long", "int", "logical:timestamp-millis"))
      return (value) => this._fromValue(value);
    return undefined;
  }
}
