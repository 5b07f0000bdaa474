import { describe, expect, it } from "vitest";
import { compress, decompress } from "../../src/protocol/index.js";

describe("LZ4 batch compression", () => {
  it("writes a raw LZ4 block: no frame magic, no length prefix, and it round-trips", () => {
    const data = Buffer.from("pulsar ".repeat(200));
    const block = compress("lz4", data);
    expect(block.length).toBeLessThan(data.length / 10);
    // The frame format would start with the magic 04 22 4d 18; lz4-napi's sized form with the
    // little-endian length 1400 (78 05 00 00). A raw block starts with a token byte.
    expect(block.subarray(0, 4).toString("hex")).not.toBe("04224d18");
    expect(block.readUInt32LE(0)).not.toBe(data.length);
    expect(decompress("lz4", block, data.length)).toEqual(data);
  });

  it("decodes a block written by hand: 'abcabcabc' as literals 'abc' plus a match of 6 at offset 3", () => {
    // token 0x32: 3 literals, match length 2+4; then "abc", offset 3 (LE). LZ4's rule that the
    // last 5 bytes are literals needs 5 literals at the end.
    const block = Buffer.from([0x32, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x61, 0x62, 0x63, 0x61, 0x62]);
    expect(decompress("lz4", block, 14).toString()).toBe("abcabcabcabcab");
  });
});
