import { crc32c } from "@aws-crypto/crc32c";
import { describe, expect, it } from "vitest";
import {
  CommandType,
  decodeBatchPayload,
  decodeFrame,
  encodeBatchPayload,
  encodeCommand,
  encodePayloadCommand,
  FrameDecoder,
  FrameError,
  longToNumber,
  longToString,
} from "../../src/protocol/index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// Worked out by hand from the protobuf wire format, so they check our schema's field numbers
// rather than re-running the encoder against itself.
const PING_FRAME = "00000009" + "00000005" + "0812" + "920100";
const SEND_COMMAND = "0806" + "3206" + "080110021801"; // type=SEND, send{producer_id=1, sequence_id=2, num_messages=1}
const SEND_METADATA = "0a0170" + "1002" + "18e807"; // producer_name="p", sequence_id=2, publish_time=1000

describe("command frames", () => {
  it("encodes PING as the golden bytes", () => {
    expect(hex(encodeCommand({ type: CommandType.PING, ping: {} }))).toBe(PING_FRAME);
  });

  it("decodes the golden PING", () => {
    const frame = decodeFrame(Buffer.from(PING_FRAME, "hex"));
    expect(frame.command.type).toBe(CommandType.PING);
    expect(frame.payload).toBeUndefined();
  });

  it("round-trips a SEND_RECEIPT with 64-bit ids", () => {
    const encoded = encodeCommand({
      type: CommandType.SEND_RECEIPT,
      send_receipt: {
        producer_id: 3,
        sequence_id: 9,
        message_id: { ledgerId: 2 ** 40 + 3, entryId: 4, partition: 2, batch_index: 1 },
      },
    });
    const receipt = decodeFrame(encoded).command.send_receipt;
    expect(longToNumber(receipt.sequence_id)).toBe(9);
    expect(longToString(receipt.message_id.ledgerId)).toBe("1099511627779");
    expect(receipt.message_id.partition).toBe(2);
  });

  it("rejects a command that misses a required field", () => {
    expect(() => encodeCommand({ type: CommandType.SEND, send: { producer_id: 1 } })).toThrow(FrameError);
  });
});

describe("payload frames", () => {
  const frame = encodePayloadCommand(
    { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 2, num_messages: 1 } },
    { producer_name: "p", sequence_id: 2, publish_time: 1000 },
    Buffer.from("hi"),
  );

  it("matches the golden layout, CRC32C included", () => {
    const checksummed = Buffer.from("00000008" + SEND_METADATA + "6869", "hex");
    const crc = crc32c(checksummed).toString(16).padStart(8, "0");
    expect(hex(frame)).toBe(
      "00000022" + "0000000a" + SEND_COMMAND + "0e01" + crc + checksummed.toString("hex"),
    );
    // The package computes the standard CRC-32C (Castagnoli), not CRC-32.
    expect(crc32c(Buffer.from("123456789")).toString(16)).toBe("e3069283");
  });

  it("decodes metadata and payload", () => {
    const decoded = decodeFrame(frame);
    expect(decoded.command.type).toBe(CommandType.SEND);
    expect(decoded.payload?.metadata.producer_name).toBe("p");
    expect(decoded.payload?.data.toString()).toBe("hi");
  });

  it("throws a checksum FrameError when one payload bit flips", () => {
    const corrupt = Buffer.from(frame);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0x01, corrupt.length - 1);
    expect(() => decodeFrame(corrupt)).toThrow(expect.objectContaining({ reason: "checksum" }));
  });

  it("throws when the magic number is wrong", () => {
    const corrupt = Buffer.from(frame);
    corrupt.writeUInt16BE(0x0e02, 8 + 10);
    expect(() => decodeFrame(corrupt)).toThrow(expect.objectContaining({ reason: "malformed" }));
  });
});

describe("FrameDecoder", () => {
  const frames = [
    encodeCommand({ type: CommandType.PING, ping: {} }),
    encodePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 7, num_messages: 1 } },
      { producer_name: "p", sequence_id: 7, publish_time: 1 },
      Buffer.alloc(3000, 7),
    ),
    encodeCommand({ type: CommandType.PONG, pong: {} }),
  ];
  const stream = Buffer.concat(frames);

  it("returns several frames from one chunk", () => {
    const out = new FrameDecoder().push(stream);
    expect(out.map((f) => f.command.type)).toEqual([CommandType.PING, CommandType.SEND, CommandType.PONG]);
  });

  it("reassembles frames split at every byte boundary", () => {
    const decoder = new FrameDecoder();
    const types: number[] = [];
    for (let i = 0; i < stream.length; i++) {
      for (const frame of decoder.push(stream.subarray(i, i + 1))) types.push(frame.command.type);
    }
    expect(types).toEqual([CommandType.PING, CommandType.SEND, CommandType.PONG]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it("keeps a split size prefix until the rest arrives", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(stream.subarray(0, 2))).toEqual([]);
    expect(decoder.pendingBytes).toBe(2);
    const cut = frames[0]!.length + 100;
    expect(decoder.push(stream.subarray(2, cut)).map((f) => f.command.type)).toEqual([CommandType.PING]);
    const rest = decoder.push(stream.subarray(cut));
    expect(rest.map((f) => f.command.type)).toEqual([CommandType.SEND, CommandType.PONG]);
    expect(rest[0]?.payload?.data).toEqual(Buffer.alloc(3000, 7));
  });

  it("refuses a frame larger than the limit instead of buffering it", () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    expect(() => decoder.push(Buffer.from("00100000", "hex"))).toThrow(
      expect.objectContaining({ reason: "too-large" }),
    );
  });
});

describe("batch payload", () => {
  it("round-trips SingleMessageMetadata and payloads", () => {
    const payload = encodeBatchPayload(
      [
        {
          metadata: { properties: [{ key: "a", value: "1" }], partition_key: "k" },
          payload: Buffer.from("one"),
        },
        { metadata: { event_time: 42 }, payload: Buffer.alloc(0) },
      ],
      5,
    );
    const entries = decodeBatchPayload(payload, 2);
    expect(entries.map((e) => Buffer.from(e.payload).toString())).toEqual(["one", ""]);
    expect(entries[0]?.metadata).toMatchObject({ partition_key: "k", payload_size: 3 });
    expect(longToNumber(entries[0]?.metadata.sequence_id)).toBe(5);
    expect(longToNumber(entries[1]?.metadata.sequence_id)).toBe(6);
    expect(longToNumber(entries[1]?.metadata.event_time)).toBe(42);
  });

  it("has the golden layout for one message", () => {
    const payload = encodeBatchPayload([{ metadata: {}, payload: Buffer.from("x") }], 0);
    // [size=4][payload_size=1 (field 3 varint)][sequence_id=0 (field 8 varint)]["x"]
    expect(hex(payload)).toBe("00000004" + "1801" + "4000" + "78");
  });

  it("throws on a truncated batch", () => {
    const payload = encodeBatchPayload([{ metadata: {}, payload: Buffer.from("abc") }], 0);
    expect(() => decodeBatchPayload(payload.subarray(0, payload.length - 1), 1)).toThrow(FrameError);
  });
});
