import { randomBytes } from "node:crypto";
import { crc32c as referenceCrc32c } from "@aws-crypto/crc32c";
import { describe, expect, it } from "vitest";
import { CRC32C_IMPLEMENTATION, crc32c, crc32cSoftware } from "../../src/protocol/index.js";

const hex = (value: number) => value.toString(16).padStart(8, "0");
const bytes = (length: number, at: (i: number) => number) => Uint8Array.from({ length }, (_, i) => at(i));

// The standard check value and the iSCSI test vectors of RFC 3720, appendix B.4.
const VECTORS: [string, Uint8Array, string][] = [
  ['"123456789"', Buffer.from("123456789"), "e3069283"],
  ["nothing", new Uint8Array(0), "00000000"],
  ["32 zero bytes", new Uint8Array(32), "8a9136aa"],
  ["32 0xff bytes", new Uint8Array(32).fill(0xff), "62a8ab43"],
  ["bytes 0 to 31", bytes(32, (i) => i), "46dd794e"],
  ["bytes 31 to 0", bytes(32, (i) => 31 - i), "113fdb5c"],
];

describe("crc32c", () => {
  it.each(VECTORS)("gives the known CRC-32C of %s", (_name, input, expected) => {
    expect(hex(crc32c(input))).toBe(expected);
    expect(hex(crc32cSoftware(input))).toBe(expected);
  });

  it("agrees with an independent implementation on random buffers of every length class", () => {
    // Lengths straddle the 8-byte step of the table loop and the size where the addon takes over.
    const lengths = [1, 7, 8, 9, 63, 64, 65, 255, 511, 512, 513, 1000, 4096, 70_001];
    for (let i = 0; i < 40; i++) lengths.push(Math.floor(Math.random() * 20_000));
    for (const length of lengths) {
      const data = randomBytes(length);
      const expected = referenceCrc32c(data);
      expect(crc32c(data), `length ${length}`).toBe(expected);
      expect(crc32cSoftware(data), `length ${length}`).toBe(expected);
    }
  });

  it("checksums a view at an odd offset into a larger buffer, not the whole buffer", () => {
    const backing = randomBytes(5000);
    for (const [start, end] of [
      [3, 4000],
      [1, 100],
      [777, 778],
    ] as const) {
      const view = backing.subarray(start, end);
      expect(crc32c(view)).toBe(referenceCrc32c(Buffer.from(view)));
      expect(crc32cSoftware(view)).toBe(referenceCrc32c(Buffer.from(view)));
    }
  });

  it("uses the native addon on x64 Linux, where @node-rs/crc32 ships a prebuilt binary", () => {
    // Elsewhere the table version is the designed fallback; this only guards our CI machine
    // against silently losing the fast path.
    if (process.platform === "linux" && process.arch === "x64") expect(CRC32C_IMPLEMENTATION).toBe("native");
    else expect(["native", "software"]).toContain(CRC32C_IMPLEMENTATION);
  });
});
