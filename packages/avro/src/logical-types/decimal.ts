import avro from "avsc";

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * `decimal` on `bytes` or `fixed`: an exact decimal with the schema's `precision` and `scale`,
 * stored as the big-endian two's-complement unscaled integer.
 *
 * Takes a decimal string (`"-12.5"`, `"1e3"`), a bigint, or a finite number (converted through its
 * shortest decimal text, so `0.1` is `"0.1"`, not the binary fraction). A value with more
 * fractional digits than `scale` (other than trailing zeros) or more than `precision` digits is
 * rejected rather than rounded. Decodes to a string with exactly `scale` fractional digits.
 *
 * The bytes form is the minimal two's complement, as Java's `BigInteger.toByteArray()` writes it;
 * Python's fastavro pads negative powers of two (-128 unscaled) with one extra 0xFF byte. Both
 * decode to the same value.
 */
export class DecimalType extends avro.types.LogicalType {
  private readonly precision: number;
  private readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: avro.Schema, options?: unknown) {
    super(schema, options);
    const attributes = schema as { precision?: unknown; scale?: unknown };
    const precision = attributes.precision;
    const scale = attributes.scale ?? 0;
    if (typeof precision !== "number" || !Number.isInteger(precision) || precision < 1) {
      throw new Error(`decimal needs a positive integer precision, got ${String(precision)}`);
    }
    if (typeof scale !== "number" || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`decimal scale must be an integer from 0 to the precision, got ${String(scale)}`);
    }
    this.precision = precision;
    this.scale = scale;
    const underlying = this.underlyingType as avro.Type & { size?: number };
    if (avro.Type.isType(underlying, "fixed")) this.fixedSize = underlying.size;
    else if (!avro.Type.isType(underlying, "bytes")) throw new Error("decimal must be on bytes or fixed");
  }

  protected override _export(schema: avro.Schema): void {
    const attributes = schema as { precision?: number; scale?: number };
    attributes.precision = this.precision;
    attributes.scale = this.scale;
  }

  protected override _fromValue(bytes: Buffer): string {
    return formatUnscaled(fromTwosComplement(bytes), this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    const unscaled = this.toUnscaled(value);
    if (unscaled === undefined) return undefined;
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
    if (unscaled !== 0n && digits > this.precision) return undefined;
    return toTwosComplement(unscaled, this.fixedSize);
  }

  protected override _resolve(type: avro.Type): ((bytes: Buffer) => string) | undefined {
    const other = type as avro.Type & { precision?: number; scale?: number };
    if (
      avro.Type.isType(type, "logical:decimal") &&
      other.precision === this.precision &&
      other.scale === this.scale
    ) {
      return (bytes) => this._fromValue(bytes);
    }
    return undefined;
  }

  private toUnscaled(value: unknown): bigint | undefined {
    if (typeof value === "bigint") return value * 10n ** BigInt(this.scale);
    let text: string;
    if (typeof value === "string") text = value.trim();
    else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
    else return undefined;
    const match = DECIMAL_PATTERN.exec(text);
    if (match === null) return undefined;
    const [, sign, whole, fraction = "", exponentText = "0"] = match;
    const exponent = Number(exponentText);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return undefined;
    // value = (whole.fraction) * 10^exponent; shift so that `scale` fractional digits remain.
    const allDigits = (whole ?? "") + fraction;
    const shift = this.scale + exponent - fraction.length;
    let unscaled: bigint;
    if (shift >= 0) {
      unscaled = BigInt(allDigits) * 10n ** BigInt(shift);
    } else {
      const divisor = 10n ** BigInt(-shift);
      const raw = BigInt(allDigits);
      if (raw % divisor !== 0n) return undefined;
      unscaled = raw / divisor;
    }
    return sign === "-" ? -unscaled : unscaled;
  }
}

function toTwosComplement(value: bigint, fixedSize: number | undefined): Buffer | undefined {
  // Minimal length: enough bytes that the top bit carries the sign.
  let length = 1;
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  if (fixedSize !== undefined) {
    if (length > fixedSize) return undefined;
    length = fixedSize;
  }
  const bytes = Buffer.alloc(length);
  let rest = BigInt.asUintN(8 * length, value);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return BigInt.asIntN(8 * bytes.length, value);
}

function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}
