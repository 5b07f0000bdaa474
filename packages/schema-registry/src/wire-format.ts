import { encodeMessageIndexes, readMessageIndexes } from "./message-indexes.js";

/** First byte of every Confluent-framed message. */
export const MAGIC_BYTE = 0;

/** Bytes before the body in the Avro form: the magic byte and the 4-byte schema id. */
export const FRAME_HEADER_BYTES = 5;

/**
 * Frames an encoded body in the Confluent wire format: magic byte 0, the schema id as a 4-byte
 * big-endian integer, then, for Protobuf only, the message-index array, then the body. Avro and
 * JSON Schema pass no `messageIndexes`; Protobuf always passes them (`[0]` for the first
 * top-level message).
 */
export function frameConfluent(
  schemaId: number,
  body: Uint8Array,
  messageIndexes?: readonly number[],
): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffff_ffff) {
    throw new RangeError(`schema id must be an integer from 0 to 4294967295, got ${schemaId}`);
  }
  const indexes = messageIndexes === undefined ? undefined : encodeMessageIndexes(messageIndexes);
  const framed = new Uint8Array(FRAME_HEADER_BYTES + (indexes?.length ?? 0) + body.length);
  framed[0] = MAGIC_BYTE;
  new DataView(framed.buffer).setUint32(1, schemaId, false);
  let offset = FRAME_HEADER_BYTES;
  if (indexes !== undefined) {
    framed.set(indexes, offset);
    offset += indexes.length;
  }
  framed.set(body, offset);
  return framed;
}

/** A Confluent-framed message taken apart. */
export interface ConfluentFrame {
  schemaId: number;
  /** Present only when the frame was parsed as Protobuf. */
  messageIndexes?: number[];
  body: Uint8Array;
}

/**
 * Takes a Confluent-framed message apart: the inverse of `frameConfluent`. Pass
 * `{ protobuf: true }` to read the message-index array. Throws a `RangeError` for bytes that are
 * not in the wire format.
 */
export function parseConfluentFrame(bytes: Uint8Array, options: { protobuf?: boolean } = {}): ConfluentFrame {
  if (bytes.length < FRAME_HEADER_BYTES || bytes[0] !== MAGIC_BYTE) {
    throw new RangeError("not a Confluent-framed message: expected magic byte 0 and a 4-byte schema id");
  }
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
  if (!options.protobuf) return { schemaId, body: bytes.subarray(FRAME_HEADER_BYTES) };
  const { indexes, next } = readMessageIndexes(bytes, FRAME_HEADER_BYTES);
  return { schemaId, messageIndexes: indexes, body: bytes.subarray(next) };
}
