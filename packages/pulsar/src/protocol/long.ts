/**
 * protobufjs decodes 64-bit fields as `Long` objects when the `long` package is present and as
 * numbers otherwise; these helpers accept both so callers never depend on which one it was.
 */
type LongLike = number | string | { toString(): string } | null | undefined;

/** Exact decimal text of a 64-bit value, for message ids where precision matters. */
export function longToString(value: LongLike): string {
  if (value === null || value === undefined) return "0";
  return typeof value === "string" ? value : value.toString();
}

/**
 * A 64-bit value as a JavaScript number. Used for request, producer and sequence ids, which
 * this client allocates itself and which stay far below 2^53.
 */
export function longToNumber(value: LongLike): number {
  return Number(longToString(value));
}
