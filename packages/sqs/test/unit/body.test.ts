import { describe, expect, it } from "vitest";
import { BODY_DATA_TYPE, decodeBody, encodeBody, isSqsText } from "../../src/body.js";

const roundTrip = (value: Uint8Array) => {
  const { body, encoding } = encodeBody(value);
  if (encoding === "attribute") throw new Error("encodeBody never picks the attribute form itself");
  const dataType = BODY_DATA_TYPE[encoding];
  return { encoding, back: decodeBody(body, dataType) };
};

describe("body encoding", () => {
  it("sends valid UTF-8 text as is, including CR, tabs, a BOM and astral characters", () => {
    for (const s of ["hello", "line\r\nbreak\ttab", "\uFEFFbom first", "emoji 😀 and ü", "\uE000\uFFFD"]) {
      const value = new TextEncoder().encode(s);
      const { encoding, back } = roundTrip(value);
      expect(encoding).toBe("text");
      expect(back).toEqual(value);
    }
  });

  it("sends bytes SQS cannot carry as base64 and gets them back exactly", () => {
    const cases = [
      new Uint8Array([0, 1, 2, 255, 254]),
      new TextEncoder().encode("nul \u0000 inside"),
      new TextEncoder().encode("\uFFFF is not allowed"),
      new Uint8Array([0xc3]), // truncated UTF-8
      new Uint8Array([0xed, 0xa0, 0x80]), // an encoded lone surrogate
    ];
    for (const value of cases) {
      const { encoding, back } = roundTrip(value);
      expect(encoding).toBe("base64");
      expect(back).toEqual(value);
    }
  });

  it("carries an empty value as a placeholder that reads back empty", () => {
    const { encoding, back } = roundTrip(new Uint8Array(0));
    expect(encoding).toBe("empty");
    expect(back.byteLength).toBe(0);
  });

  it("knows SQS's character set", () => {
    expect(isSqsText("\t\n\r ~")).toBe(true);
    expect(isSqsText("\u0008")).toBe(false);
    expect(isSqsText("\uD800")).toBe(false);
    expect(isSqsText("\uD83D\uDE00")).toBe(true);
  });
});
