/**
 * The Protobuf message-index array of the Confluent wire format: which message of the schema's
 * .proto file the body holds, as a path of declaration positions (`[1, 0]` is the first message
 * nested in the second top-level message). Written as a zig-zag varint count followed by each
 * index as a zig-zag varint; the common `[0]` is shortened to a single 0 byte (a count of zero).
 */
export function encodeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 0) throw new RangeError("a message-index path needs at least one index");
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index > 0x3fff_ffff) {
      throw new RangeError(`message indexes must be non-negative integers, got ${index}`);
    }
  }
  if (indexes.length === 1 && indexes[0] === 0) return Uint8Array.of(0);
  const bytes: number[] = [];
  writeZigZag(bytes, indexes.length);
  for (const index of indexes) writeZigZag(bytes, index);
  return Uint8Array.from(bytes);
}

/** Reads a message-index array at `offset`; returns it and the offset of the first byte after it. */
export function readMessageIndexes(bytes: Uint8Array, offset: number): { indexes: number[]; next: number } {
  let position = offset;
  const read = (): number => {
    const { value, next } = readZigZag(bytes, position);
    position = next;
    return value;
  };
  const count = read();
  if (count === 0) return { indexes: [0], next: position };
  if (count < 0 || count > bytes.length) throw new RangeError(`invalid message-index count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(read());
  return { indexes, next: position };
}

// Zig-zag maps signed to unsigned (0, -1, 1, -2 -> 0, 1, 2, 3), as Protobuf's sint32 does; the
// wire format uses it even though indexes are never negative.
function writeZigZag(out: number[], value: number): void {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function readZigZag(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  let multiplier = 1;
  let position = offset;
  for (;;) {
    if (position >= bytes.length) throw new RangeError("truncated varint in the message-index array");
    const byte = bytes[position++]!;
    result += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
    if (multiplier > 2 ** 35) throw new RangeError("varint too long in the message-index array");
  }
  const value = result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  return { value, next: position };
}
