import {
  encodeMessageIndexes,
  frameConfluent,
  parseConfluentFrame,
  readMessageIndexes,
} from "@outbound/schema-registry";
import { describe, expect, it } from "vitest";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("Confluent wire format", () => {
  it("writes magic byte 0 and the schema id big-endian before an Avro body", () => {
    const framed = frameConfluent(0x01020304, Uint8Array.of(0xaa, 0xbb));
    expect(hex(framed)).toBe("0001020304aabb");
    expect(parseConfluentFrame(framed)).toEqual({ schemaId: 0x01020304, body: Uint8Array.of(0xaa, 0xbb) });
  });

  it("writes ids up to 2^32 - 1 and rejects others", () => {
    expect(hex(frameConfluent(0xffff_ffff, new Uint8Array()))).toBe("00ffffffff");
    expect(() => frameConfluent(-1, new Uint8Array())).toThrow(RangeError);
    expect(() => frameConfluent(2 ** 32, new Uint8Array())).toThrow(RangeError);
    expect(() => frameConfluent(1.5, new Uint8Array())).toThrow(RangeError);
  });

  it("shortens the message-index path [0] to one 0 byte", () => {
    expect(hex(encodeMessageIndexes([0]))).toBe("00");
    expect(hex(frameConfluent(7, Uint8Array.of(0x08, 0x01), [0]))).toBe("00000000070008" + "01");
  });

  it("writes other paths as a zig-zag varint count then zig-zag varint indexes", () => {
    // count 2 -> 4, 1 -> 2, 0 -> 0
    expect(hex(encodeMessageIndexes([1, 0]))).toBe("040200");
    // count 1 -> 2, index 3 -> 6
    expect(hex(encodeMessageIndexes([3]))).toBe("0206");
    // index 64 -> zig-zag 128 -> varint 0x80 0x01
    expect(hex(encodeMessageIndexes([64]))).toBe("028001");
    expect(() => encodeMessageIndexes([])).toThrow(RangeError);
    expect(() => encodeMessageIndexes([-1])).toThrow(RangeError);
  });

  it("reads back what it writes", () => {
    for (const path of [[0], [1], [0, 0], [2, 5, 1], [300, 0]]) {
      const framed = frameConfluent(42, Uint8Array.of(1, 2, 3), path);
      expect(parseConfluentFrame(framed, { protobuf: true })).toEqual({
        schemaId: 42,
        messageIndexes: path,
        body: Uint8Array.of(1, 2, 3),
      });
    }
    expect(() => readMessageIndexes(Uint8Array.of(0x04, 0x02), 0)).toThrow(/truncated/);
  });

  it("rejects bytes that are not framed", () => {
    expect(() => parseConfluentFrame(Uint8Array.of(1, 0, 0, 0, 1))).toThrow(/magic byte/);
    expect(() => parseConfluentFrame(Uint8Array.of(0, 0, 0))).toThrow(/magic byte/);
  });
});
