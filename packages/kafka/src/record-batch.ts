import type { OutboundRecord } from "@outbound/core";
import type { KafkaCodec } from "./compression.js";
import { checksum } from "./crc32c.js";
import { type EncodedHeader, recordHeaders } from "./mapping.js";

/** Bytes of a v2 record batch before its records: offset, length, epoch, magic, crc and the rest. */
export const RECORD_BATCH_HEADER_BYTES = 61;
const MAGIC_V2 = 2;
const TRANSACTIONAL_FLAG = 0x10;
/** Where the CRC-32C covered part (attributes onwards) starts. */
const CRC_START = 21;

/** The producer identity a batch is written under; all -1 for a producer that is not idempotent. */
export interface BatchIdentity {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

export const NO_IDENTITY: BatchIdentity = {
  producerId: -1n,
  producerEpoch: -1,
  baseSequence: -1,
  transactional: false,
};

/** Zigzag varint length of a 32-bit signed integer. */
function varintSize(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(buffer: Buffer, offset: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buffer[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buffer[offset++] = v;
  return offset;
}

/** Zigzag varlong, for timestamp deltas that can exceed 32 bits. */
function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varlongSize(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return varintSize(value);
  let v = zigzag64(value);
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeVarlong(buffer: Buffer, offset: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buffer, offset, value);
  let v = zigzag64(value);
  while (v >= 0x80) {
    buffer[offset++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buffer[offset++] = v;
  return offset;
}

interface SizedRecord {
  /** Bytes of the record's body, after its own length varint. */
  bodySize: number;
  timestampDelta: number;
  headers: EncodedHeader[];
}

function sizeRecord(record: OutboundRecord, index: number, baseTimestamp: number): SizedRecord {
  const timestampDelta = Math.trunc(record.timestamp) - baseTimestamp;
  const headers = recordHeaders(record);
  let size = 1 + varlongSize(timestampDelta) + varintSize(index);
  const key = record.key;
  size += key === undefined ? 1 : varintSize(key.byteLength) + key.byteLength;
  size += varintSize(record.value.byteLength) + record.value.byteLength;
  size += varintSize(headers.length);
  for (const [name, value] of headers) {
    size += varintSize(name.byteLength) + name.byteLength;
    size += value === null ? 1 : varintSize(value.byteLength) + value.byteLength;
  }
  return { bodySize: size, timestampDelta, headers };
}

/** Writes the records section (what compression compresses) into `buffer` at `offset`. */
function writeRecords(
  buffer: Buffer,
  offset: number,
  records: readonly OutboundRecord[],
  sized: readonly SizedRecord[],
): number {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const s = sized[i]!;
    offset = writeVarint(buffer, offset, s.bodySize);
    buffer[offset++] = 0; // record attributes: unused
    offset = writeVarlong(buffer, offset, s.timestampDelta);
    offset = writeVarint(buffer, offset, i);
    const key = record.key;
    if (key === undefined) {
      offset = writeVarint(buffer, offset, -1);
    } else {
      offset = writeVarint(buffer, offset, key.byteLength);
      buffer.set(key, offset);
      offset += key.byteLength;
    }
    offset = writeVarint(buffer, offset, record.value.byteLength);
    buffer.set(record.value, offset);
    offset += record.value.byteLength;
    offset = writeVarint(buffer, offset, s.headers.length);
    for (const [name, value] of s.headers) {
      offset = writeVarint(buffer, offset, name.byteLength);
      buffer.set(name, offset);
      offset += name.byteLength;
      if (value === null) {
        offset = writeVarint(buffer, offset, -1);
      } else {
        offset = writeVarint(buffer, offset, value.byteLength);
        buffer.set(value, offset);
        offset += value.byteLength;
      }
    }
  }
  return offset;
}

/**
 * Encodes records as one Kafka v2 record batch (KIP-98 format), in one buffer sized up front.
 * The producer identity goes into the batch header; a retry is re-encoded with the same identity
 * so the broker recognises it.
 */
export function encodeRecordBatch(
  records: readonly OutboundRecord[],
  identity: BatchIdentity,
  codec: KafkaCodec | undefined,
): Buffer {
  const baseTimestamp = Math.trunc(records[0]!.timestamp);
  let maxTimestamp = baseTimestamp;
  const sized = new Array<SizedRecord>(records.length);
  let recordsBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const t = Math.trunc(record.timestamp);
    if (t > maxTimestamp) maxTimestamp = t;
    const s = sizeRecord(record, i, baseTimestamp);
    sized[i] = s;
    recordsBytes += varintSize(s.bodySize) + s.bodySize;
  }

  let batch: Buffer;
  let end: number;
  if (codec) {
    const plain = Buffer.allocUnsafe(recordsBytes);
    writeRecords(plain, 0, records, sized);
    const compressed = codec.compress(plain);
    batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_BYTES + compressed.byteLength);
    batch.set(compressed, RECORD_BATCH_HEADER_BYTES);
    end = RECORD_BATCH_HEADER_BYTES + compressed.byteLength;
  } else {
    batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_BYTES + recordsBytes);
    end = writeRecords(batch, RECORD_BATCH_HEADER_BYTES, records, sized);
  }

  const attributes = (codec?.attribute ?? 0) | (identity.transactional ? TRANSACTIONAL_FLAG : 0);
  batch.writeBigInt64BE(0n, 0); // base offset: the broker assigns it
  batch.writeInt32BE(end - 12, 8); // length of everything after this field
  batch.writeInt32BE(-1, 12); // partition leader epoch: set by the broker
  batch.writeInt8(MAGIC_V2, 16);
  batch.writeInt16BE(attributes, 21);
  batch.writeInt32BE(records.length - 1, 23); // last offset delta
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(identity.producerId, 43);
  batch.writeInt16BE(identity.producerEpoch, 51);
  batch.writeInt32BE(identity.baseSequence, 53);
  batch.writeInt32BE(records.length, 57);
  batch.writeUInt32BE(checksum(batch.subarray(CRC_START, end)), 17);
  return end === batch.byteLength ? batch : batch.subarray(0, end);
}
