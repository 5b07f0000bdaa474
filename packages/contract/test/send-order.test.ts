import { describe, expect, it } from "vitest";
import type { ProbedMessage } from "../src/index.js";
import { expectSendOrder } from "../src/send-order.js";

const probed = (values: string[], offsets = true): ProbedMessage[] =>
  values.map((v, i) => ({
    topic: "t",
    partition: 0,
    value: new TextEncoder().encode(v),
    headers: {},
    ...(offsets ? { offset: String(i) } : {}),
  }));

describe("expectSendOrder", () => {
  it("accepts each key in order", () => {
    expect(() => expectSendOrder(probed(["a:0", "b:0", "a:1", "b:1"]), ["a", "b"], 2)).not.toThrow();
  });

  it("rejects a reordering", () => {
    expect(() => expectSendOrder(probed(["a:1", "a:0"]), ["a"], 2)).toThrow(/send order/);
  });

  it("rejects a gap", () => {
    expect(() => expectSendOrder(probed(["a:0", "a:2"]), ["a"], 2)).toThrow(/send order/);
  });

  it("rejects a missing message when nothing repeated", () => {
    expect(() => expectSendOrder(probed(["a:0"]), ["a"], 2)).toThrow();
  });

  it("treats a re-stored batch as repeats, not a reordering", () => {
    expect(() => expectSendOrder(probed(["a:0", "a:1", "a:2", "a:1", "a:2"]), ["a"], 5)).not.toThrow();
  });

  it("orders by partition and offset when the probe gives offsets", () => {
    const messages = probed(["a:1", "a:0"]).map((m, i) => ({ ...m, offset: String(1 - i) }));
    expect(() => expectSendOrder(messages, ["a"], 2)).not.toThrow();
  });
});
