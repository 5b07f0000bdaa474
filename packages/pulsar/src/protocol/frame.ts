import type { Writer } from "protobufjs";
import { crc32c } from "./crc32c.js";
import { FrameError } from "./frame-error.js";
import { proto } from "./schema.js";

/** Marks a payload frame whose metadata and payload are covered by a CRC32C checksum. */
export const MAGIC_CRC32C = 0x0e01;

/**
 * Pulsar's default frame ceiling (5 MiB) plus headroom for the command itself. The broker tells
 * the real limit in CONNECTED; this bound only protects the decoder from a garbage length.
 */
export const DEFAULT_MAX_FRAME_BYTES = 5 * 1024 * 1024 + 64 * 1024;

/** A decoded frame: the command, plus metadata and payload for commands that carry one. */
export interface Frame {
  // biome-ignore lint/suspicious/noExplicitAny: reflected protobuf messages are plain objects typed per command by the reader.
  command: Record<string, any>;
  payload?: {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    metadata: Record<string, any>;
    data: Buffer;
  };
}

function encodeMessage(type: typeof proto.BaseCommand, value: Record<string, unknown>): Uint8Array {
  // verify() on the plain object, not on a fromObject() instance: instances inherit defaults
  // from their prototype, which would hide a missing required field.
  const error = type.verify(value);
  if (error) throw new FrameError("malformed", `invalid ${type.name}: ${error}`);
  return (type.encode(value) as Writer).finish();
}

/** Encodes `[totalSize][commandSize][BaseCommand]`. */
export function encodeCommand(command: Record<string, unknown>): Buffer {
  const body = encodeMessage(proto.BaseCommand, command);
  const frame = Buffer.allocUnsafe(8 + body.length);
  frame.writeUInt32BE(4 + body.length, 0);
  frame.writeUInt32BE(body.length, 4);
  frame.set(body, 8);
  return frame;
}

/** Payload bytes that write themselves into the frame (a batch), so they need no buffer of their own. */
export interface PayloadWriter {
  readonly length: number;
  /** Writes exactly `length` bytes at `offset`. */
  writeTo(target: Buffer, offset: number): number;
}

/**
 * Encodes a SEND-style frame:
 * `[totalSize][commandSize][BaseCommand][0x0e01][crc32c][metadataSize][MessageMetadata][payload]`,
 * where the checksum covers everything after itself.
 */
export function encodePayloadCommand(
  command: Record<string, unknown>,
  metadata: Record<string, unknown>,
  payload: Uint8Array | PayloadWriter,
): Buffer {
  const body = encodeMessage(proto.BaseCommand, command);
  const meta = encodeMessage(proto.MessageMetadata, metadata);
  const checksummedLength = 4 + meta.length + payload.length;
  const total = 4 + body.length + 2 + 4 + checksummedLength;
  const frame = Buffer.allocUnsafe(4 + total);
  let offset = frame.writeUInt32BE(total, 0);
  offset = frame.writeUInt32BE(body.length, offset);
  frame.set(body, offset);
  offset += body.length;
  offset = frame.writeUInt16BE(MAGIC_CRC32C, offset);
  const checksumAt = offset;
  offset += 4;
  const checksummedStart = offset;
  offset = frame.writeUInt32BE(meta.length, offset);
  frame.set(meta, offset);
  offset += meta.length;
  if (payload instanceof Uint8Array) frame.set(payload, offset);
  else if (payload.writeTo(frame, offset) !== frame.length) {
    throw new FrameError("malformed", "payload wrote a different length than it announced");
  }
  frame.writeUInt32BE(crc32c(frame.subarray(checksummedStart)), checksumAt);
  return frame;
}

/**
 * Decodes one whole frame, size prefix included. Throws `FrameError` on a bad checksum or a
 * frame whose sizes do not add up.
 */
export function decodeFrame(frame: Buffer): Frame {
  if (frame.length < 8) throw new FrameError("malformed", `frame of ${frame.length} bytes is too short`);
  const total = frame.readUInt32BE(0);
  if (total + 4 !== frame.length) {
    throw new FrameError("malformed", `frame says ${total + 4} bytes but has ${frame.length}`);
  }
  const commandSize = frame.readUInt32BE(4);
  const commandEnd = 8 + commandSize;
  if (commandEnd > frame.length) {
    throw new FrameError(
      "malformed",
      `command of ${commandSize} bytes overruns a ${frame.length}-byte frame`,
    );
  }
  const command = decodeMessage(proto.BaseCommand, frame.subarray(8, commandEnd));
  if (commandEnd === frame.length) return { command };
  return { command, payload: decodePayload(frame.subarray(commandEnd)) };
}

function decodePayload(rest: Buffer): NonNullable<Frame["payload"]> {
  if (rest.length < 10) throw new FrameError("malformed", "payload section is too short");
  const magic = rest.readUInt16BE(0);
  if (magic !== MAGIC_CRC32C) {
    throw new FrameError("malformed", `unexpected magic 0x${magic.toString(16).padStart(4, "0")}`);
  }
  const expected = rest.readUInt32BE(2);
  const checksummed = rest.subarray(6);
  const actual = crc32c(checksummed);
  if (actual !== expected) {
    throw new FrameError(
      "checksum",
      `CRC32C mismatch: frame says ${expected.toString(16)}, content gives ${actual.toString(16)}`,
    );
  }
  const metadataSize = checksummed.readUInt32BE(0);
  if (4 + metadataSize > checksummed.length) {
    throw new FrameError("malformed", `metadata of ${metadataSize} bytes overruns the frame`);
  }
  const metadata = decodeMessage(proto.MessageMetadata, checksummed.subarray(4, 4 + metadataSize));
  return { metadata, data: checksummed.subarray(4 + metadataSize) };
}

// biome-ignore lint/suspicious/noExplicitAny: see Frame.
function decodeMessage(type: typeof proto.BaseCommand, bytes: Uint8Array): Record<string, any> {
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new FrameError("malformed", `cannot decode ${type.name}: ${(error as Error).message}`);
  }
}

/**
 * Cuts a TCP byte stream into whole frames. A chunk may end inside a frame or hold several;
 * bytes are kept until a frame is complete.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every frame it completes, in order. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    let buffer = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const total = buffer.readUInt32BE(offset);
      if (total + 4 > this.maxFrameBytes) {
        throw new FrameError("too-large", `frame of ${total + 4} bytes exceeds ${this.maxFrameBytes}`);
      }
      if (buffer.length - offset < total + 4) break;
      frames.push(decodeFrame(buffer.subarray(offset, offset + total + 4)));
      offset += total + 4;
    }
    buffer = buffer.subarray(offset);
    this.chunks = buffer.length > 0 ? [buffer] : [];
    this.buffered = buffer.length;
    return frames;
  }
}
