import avro from "avsc";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Avro `long` encoded exactly over the full 64-bit range. avsc's default long computes the
 * zig-zag value in floating point, which silently corrupts negative values below -2^52 (-2^53 + 2
 * decodes as +2^53 - 2). This one hands avsc the 8 bytes of the integer, which it varint-encodes
 * without arithmetic. Takes a safe-integer number or a bigint; decodes to a number when it is a
 * safe integer, otherwise to a bigint.
 */
export const exactLongType: avro.types.LongType = avro.types.LongType.__with({
  fromBuffer(buffer: Buffer): number | bigint {
    const value = buffer.readBigInt64LE(0);
    return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
  },
  toBuffer(value: number | bigint): Buffer {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON(value: number | bigint): number | bigint {
    return value;
  },
  toJSON(value: number | bigint): number {
    return Number(value);
  },
  isValid(value: unknown): boolean {
    if (typeof value === "number") return Number.isSafeInteger(value);
    return typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX;
  },
  compare(a: number | bigint, b: number | bigint): number {
    return a < b ? -1 : a > b ? 1 : 0;
  },
});
