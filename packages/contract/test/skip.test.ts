import { describe, expect, it } from "vitest";
import { asBytes, asText } from "../src/index.js";
import { itWhen } from "../src/skip.js";

describe("itWhen", () => {
  let ran = false;
  itWhen(true, "never shown")("runs when the capability is there", () => {
    ran = true;
  });
  itWhen(false, "the transport lacks it")("is skipped with the reason otherwise", () => {
    throw new Error("a skipped test must not run");
  });
  it("ran the enabled test", () => {
    expect(ran).toBe(true);
  });
  it("named the skipped test with its reason", ({ task }) => {
    const names = task.suite?.tasks.map((t) => t.name) ?? [];
    expect(names).toContain("is skipped with the reason otherwise [skipped: the transport lacks it]");
    expect(names).toContain("runs when the capability is there");
  });
});

describe("probe value helpers", () => {
  it("turn text and bytes into each other", () => {
    expect([...asBytes("é")]).toEqual([0xc3, 0xa9]);
    expect(asText(new Uint8Array([0xc3, 0xa9]))).toBe("é");
    expect(asText("same")).toBe("same");
  });
});
