import { FrameError } from "./frame-error.js";
import { proto } from "./schema.js";
import { utf8Length, varintSize, writeUtf8, writeVarint } from "./wire.js";

/** A Pulsar message property (`KeyValue`); Pulsar properties are strings. */
export interface KeyValue {
  key: string;
  value: string;
}

/**
 * The `SingleMessageMetadata` fields a producer chooses per message. `payload_size` and
 * `sequence_id` are not among them: the encoder writes both, so they always match the bytes
 * and the SEND that carry them. Numbers are non-negative integers.
 */
export interface SingleMessageFields {
  properties?: readonly KeyValue[] | undefined;
  partition_key?: string | undefined;
  event_time?: number | undefined;
  partition_key_b64_encoded?: boolean | undefined;
  ordering_key?: Uint8Array | undefined;
}

/** One message inside a batch: its metadata fields and its bytes. */
export interface BatchEntry {
  metadata: SingleMessageFields;
  payload: Uint8Array;
}

// Tags (field number << 3 | wire type) of SingleMessageMetadata and KeyValue, from the schema.
const TAG_PROPERTIES = (1 << 3) | 2;
const TAG_PARTITION_KEY = (2 << 3) | 2;
const TAG_PAYLOAD_SIZE = (3 << 3) | 0;
const TAG_EVENT_TIME = (5 << 3) | 0;
const TAG_PARTITION_KEY_B64 = (6 << 3) | 0;
const TAG_ORDERING_KEY = (7 << 3) | 2;
const TAG_SEQUENCE_ID = (8 << 3) | 0;
const TAG_KEY = (1 << 3) | 2;
const TAG_VALUE = (2 << 3) | 2;

/**
 * A batch payload: for each message `[4-byte size][SingleMessageMetadata][payload]`, with
 * `sequence_id` counting up from the batch's first. It is measured once and then written
 * straight into the SEND frame, so a batch costs one buffer, not one per message plus a concat.
 *
 * The metadata is encoded here by hand rather than with protobufjs: this runs once per message,
 * and protobufjs builds a writer and an operation list for each one. Fields are written in
 * field-number order, byte for byte what protobufjs writes (the unit tests compare the two).
 */
export class BatchPayload {
  /** Total bytes `writeTo` writes. */
  readonly length: number;
  private readonly entries: readonly BatchEntry[];
  private readonly firstSequenceId: number;
  /** Per entry, its metadata size, then the UTF-8 lengths of its strings in writing order. */
  private readonly measures: number[] = [];
  private lastProperty: KeyValue | undefined;
  private lastKeyBytes = 0;
  private lastValueBytes = 0;

  constructor(entries: readonly BatchEntry[], firstSequenceId: number) {
    this.entries = entries;
    this.firstSequenceId = firstSequenceId;
    let length = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as BatchEntry;
      length += 4 + this.measure(entry, firstSequenceId + i) + entry.payload.length;
    }
    this.length = length;
  }

  private measure(entry: BatchEntry, sequenceId: number): number {
    const measures = this.measures;
    const sizeAt = measures.length;
    measures.push(0);
    const m = entry.metadata;
    let size = 0;
    const properties = m.properties;
    if (properties !== undefined) {
      for (let i = 0; i < properties.length; i++) {
        const property = properties[i] as KeyValue;
        // Messages of a batch often share one property object (the content type): count it once.
        if (property !== this.lastProperty) {
          this.lastProperty = property;
          this.lastKeyBytes = utf8Length(property.key);
          this.lastValueBytes = utf8Length(property.value);
        }
        const keyBytes = this.lastKeyBytes;
        const valueBytes = this.lastValueBytes;
        measures.push(keyBytes, valueBytes);
        const inner = 2 + varintSize(keyBytes) + keyBytes + varintSize(valueBytes) + valueBytes;
        size += 1 + varintSize(inner) + inner;
      }
    }
    if (m.partition_key !== undefined) {
      const bytes = utf8Length(m.partition_key);
      measures.push(bytes);
      size += 1 + varintSize(bytes) + bytes;
    }
    size += 1 + varintSize(entry.payload.length);
    if (m.event_time !== undefined) size += 1 + varintSize(m.event_time);
    if (m.partition_key_b64_encoded !== undefined) size += 2;
    if (m.ordering_key !== undefined) size += 1 + varintSize(m.ordering_key.length) + m.ordering_key.length;
    size += 1 + varintSize(sequenceId);
    measures[sizeAt] = size;
    return size;
  }

  /** Writes the payload at `offset`; returns the offset after it. */
  writeTo(target: Buffer, offset: number): number {
    const measures = this.measures;
    let at = 0;
    let o = offset;
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i] as BatchEntry;
      const m = entry.metadata;
      const size = measures[at++] as number;
      target.writeUInt32BE(size, o);
      o += 4;
      const properties = m.properties;
      if (properties !== undefined) {
        for (let p = 0; p < properties.length; p++) {
          const property = properties[p] as KeyValue;
          const keyBytes = measures[at++] as number;
          const valueBytes = measures[at++] as number;
          target[o++] = TAG_PROPERTIES;
          o = writeVarint(
            target,
            o,
            2 + varintSize(keyBytes) + keyBytes + varintSize(valueBytes) + valueBytes,
          );
          target[o++] = TAG_KEY;
          o = writeVarint(target, o, keyBytes);
          o = writeUtf8(target, o, property.key, keyBytes);
          target[o++] = TAG_VALUE;
          o = writeVarint(target, o, valueBytes);
          o = writeUtf8(target, o, property.value, valueBytes);
        }
      }
      if (m.partition_key !== undefined) {
        const bytes = measures[at++] as number;
        target[o++] = TAG_PARTITION_KEY;
        o = writeVarint(target, o, bytes);
        o = writeUtf8(target, o, m.partition_key, bytes);
      }
      target[o++] = TAG_PAYLOAD_SIZE;
      o = writeVarint(target, o, entry.payload.length);
      if (m.event_time !== undefined) {
        target[o++] = TAG_EVENT_TIME;
        o = writeVarint(target, o, m.event_time);
      }
      if (m.partition_key_b64_encoded !== undefined) {
        target[o++] = TAG_PARTITION_KEY_B64;
        target[o++] = m.partition_key_b64_encoded ? 1 : 0;
      }
      if (m.ordering_key !== undefined) {
        target[o++] = TAG_ORDERING_KEY;
        o = writeVarint(target, o, m.ordering_key.length);
        target.set(m.ordering_key, o);
        o += m.ordering_key.length;
      }
      target[o++] = TAG_SEQUENCE_ID;
      o = writeVarint(target, o, this.firstSequenceId + i);
      target.set(entry.payload, o);
      o += entry.payload.length;
    }
    return o;
  }

  /** The payload in a buffer of its own (for compression, which needs it whole). */
  toBuffer(): Buffer {
    const buffer = Buffer.allocUnsafe(this.length);
    this.writeTo(buffer, 0);
    return buffer;
  }
}

/** Builds a batch payload in a buffer of its own; message `i` gets `sequence_id` `firstSequenceId + i`. */
export function encodeBatchPayload(entries: readonly BatchEntry[], firstSequenceId: number): Buffer {
  return new BatchPayload(entries, firstSequenceId).toBuffer();
}

/** One message decoded from a batch payload. */
export interface DecodedBatchEntry {
  // biome-ignore lint/suspicious/noExplicitAny: reflected protobuf message, read field by field by tests and diagnostics.
  metadata: Record<string, any> & { payload_size: number };
  payload: Buffer;
}

/** Splits a batch payload back into its messages (the inverse of `encodeBatchPayload`). */
export function decodeBatchPayload(payload: Buffer, count: number): DecodedBatchEntry[] {
  const entries: DecodedBatchEntry[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > payload.length) throw new FrameError("malformed", `batch ends before message ${i}`);
    const metaSize = payload.readUInt32BE(offset);
    offset += 4;
    if (offset + metaSize > payload.length)
      throw new FrameError("malformed", `metadata ${i} overruns the batch`);
    const metadata = proto.SingleMessageMetadata.decode(
      payload.subarray(offset, offset + metaSize),
    ) as unknown as DecodedBatchEntry["metadata"];
    offset += metaSize;
    if (offset + metadata.payload_size > payload.length) {
      throw new FrameError("malformed", `payload ${i} overruns the batch`);
    }
    entries.push({ metadata, payload: payload.subarray(offset, offset + metadata.payload_size) });
    offset += metadata.payload_size;
  }
  if (offset !== payload.length)
    throw new FrameError("malformed", "trailing bytes after the last batch message");
  return entries;
}
