import { randomBytes } from "node:crypto";
import { jsCRC32C } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { checksum } from "../../src/crc32c.js";

describe("record batch checksum", () => {
  it("is CRC-32C: the standard check value of '123456789'", () => {
    expect(checksum(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("agrees with a byte-at-a-time CRC-32C over slices of a larger buffer, as batches are", () => {
    const whole = randomBytes(70_000);
    for (const [start, end] of [
      [0, 0],
      [0, 1],
      [3, 1_027],
      [61, 70_000],
    ] as const) {
      const slice = whole.subarray(start, end);
      expect(checksum(slice)).toBe(jsCRC32C(Buffer.from(slice)));
    }
  });
});
