import type { Writer } from "protobufjs";
import { FrameError } from "./frame-error.js";
import { proto } from "./schema.js";

/** One message inside a batch: its `SingleMessageMetadata` fields and its bytes. */
export interface BatchEntry {
  metadata: Record<string, unknown>;
  payload: Uint8Array;
}

/**
 * Builds a batch payload: for each message `[4-byte size][SingleMessageMetadata][payload]`.
 * `payload_size` is filled in here so it always matches the bytes that follow.
 */
export function encodeBatchPayload(entries: readonly BatchEntry[]): Buffer {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const entry of entries) {
    // No verify() here: this runs once per message on the hot path, the fields come from the
    // transport's own mapping, and the one required field is set on the line below.
    const value = { ...entry.metadata, payload_size: entry.payload.length };
    const meta = (proto.SingleMessageMetadata.encode(value) as Writer).finish();
    const size = Buffer.allocUnsafe(4);
    size.writeUInt32BE(meta.length, 0);
    parts.push(size, meta, entry.payload);
    length += 4 + meta.length + entry.payload.length;
  }
  return Buffer.concat(parts, length);
}

/** Splits a batch payload back into its messages (the inverse of `encodeBatchPayload`). */
export function decodeBatchPayload(payload: Buffer, count: number): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > payload.length) throw new FrameError("malformed", `batch ends before message ${i}`);
    const metaSize = payload.readUInt32BE(offset);
    offset += 4;
    if (offset + metaSize > payload.length)
      throw new FrameError("malformed", `metadata ${i} overruns the batch`);
    const metadata = proto.SingleMessageMetadata.decode(
      payload.subarray(offset, offset + metaSize),
    ) as unknown as {
      payload_size: number;
    } & Record<string, unknown>;
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
