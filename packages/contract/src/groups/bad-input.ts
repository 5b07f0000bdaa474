import { type ErrorCode, OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

interface BadCase {
  name: string;
  message: (topic: string) => unknown;
  /** Codes a correct producer may answer with. */
  codes: ErrorCode[];
}

const circular = (): unknown => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};

/** A message whose `topic` getter throws: reading it must not throw out of send(). */
const throwingTopic = (): unknown => ({
  get topic(): string {
    throw new Error("topic getter failed");
  },
  value: 1,
});

/** A Proxy that throws on every read, as a half-built ORM object might. */
const throwingProxy = (): unknown =>
  new Proxy(
    {},
    {
      get() {
        throw new Error("proxy read failed");
      },
    },
  );

const throwingHeader = (topic: string): unknown => ({
  topic,
  value: 1,
  headers: {
    get "trace-id"(): string {
      throw new Error("header getter failed");
    },
  },
});

const CASES: BadCase[] = [
  { name: "null instead of a message", message: () => null, codes: ["INVALID_MESSAGE"] },
  { name: "a string instead of a message", message: () => "hello", codes: ["INVALID_MESSAGE"] },
  { name: "no topic", message: () => ({ value: 1 }), codes: ["INVALID_MESSAGE"] },
  { name: "an empty topic", message: () => ({ topic: "", value: 1 }), codes: ["INVALID_MESSAGE"] },
  { name: "a numeric topic", message: () => ({ topic: 42, value: 1 }), codes: ["INVALID_MESSAGE"] },
  { name: "a numeric key", message: (topic) => ({ topic, value: 1, key: 42 }), codes: ["INVALID_MESSAGE"] },
  {
    name: "a numeric header value",
    message: (topic) => ({ topic, value: 1, headers: { h: 42 } }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a null header value",
    message: (topic) => ({ topic, value: 1, headers: { h: null } }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "headers as an array",
    message: (topic) => ({ topic, value: 1, headers: ["h"] }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a negative partition",
    message: (topic) => ({ topic, value: 1, partition: -1 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a fractional partition",
    message: (topic) => ({ topic, value: 1, partition: 1.5 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a partition the topic does not have",
    message: (topic) => ({ topic, value: 1, partition: 9_999 }),
    codes: ["INVALID_MESSAGE", "UNKNOWN_DESTINATION", "UNSUPPORTED_FEATURE"],
  },
  {
    name: "a NaN timestamp",
    message: (topic) => ({ topic, value: 1, timestamp: Number.NaN }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    // Kept exactly or refused: Pulsar stores event time as a 64-bit integer, so a larger one
    // would be stored modulo 2^64 while the delivery report claimed the original.
    name: "a timestamp beyond the year 275760",
    message: (topic) => ({ topic, value: 1, timestamp: 1e20 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a timestamp of 2^63",
    message: (topic) => ({ topic, value: 1, timestamp: 2 ** 63 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a fractional timestamp",
    message: (topic) => ({ topic, value: 1, timestamp: 1.5 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    // Headers as a Map used to resolve with the headers silently gone.
    name: "headers as a Map",
    message: (topic) => ({ topic, value: 1, headers: new Map([["trace-id", "abc"]]) }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    // UTF-8 has no encoding for a lone surrogate: "\uD800" and "\uDBFF" would both be stored
    // as EF BF BD, two keys made one.
    name: "a lone surrogate in the key",
    message: (topic) => ({ topic, value: 1, key: "\uD800" }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a lone surrogate in a header value",
    message: (topic) => ({ topic, value: 1, headers: { h: "x\uDC00" } }),
    codes: ["INVALID_MESSAGE"],
  },
  { name: "a topic getter that throws", message: throwingTopic, codes: ["INVALID_MESSAGE"] },
  { name: "a Proxy that throws on every read", message: throwingProxy, codes: ["INVALID_MESSAGE"] },
  { name: "a header getter that throws", message: throwingHeader, codes: ["INVALID_MESSAGE"] },
  { name: "an empty id", message: (topic) => ({ topic, value: 1, id: "" }), codes: ["INVALID_MESSAGE"] },
  {
    name: "a negative delayMs",
    message: (topic) => ({ topic, value: 1, delayMs: -5 }),
    codes: ["INVALID_MESSAGE"],
  },
  {
    name: "a circular JSON value",
    message: (topic) => ({ topic, value: circular() }),
    codes: ["SERIALIZATION_FAILED"],
  },
  { name: "a BigInt value", message: (topic) => ({ topic, value: 10n }), codes: ["SERIALIZATION_FAILED"] },
  {
    name: "an undefined value",
    message: (topic) => ({ topic, value: undefined }),
    codes: ["SERIALIZATION_FAILED"],
  },
];

/** Bad input gets a typed OutboundError, never a crash, and never costs another message. */
export function badInputTests(ctx: ContractContext): void {
  it.each(CASES)(
    "send() with $name rejects with a typed error and does not throw",
    async ({ message, codes }) => {
      const topic = await ctx.topic();
      const producer = await ctx.producer();
      let sent: Promise<unknown> | undefined;
      expect(() => {
        sent = producer.send(message(topic) as never);
      }).not.toThrow();
      const error = await sent?.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OutboundError);
      expect(codes).toContain((error as OutboundError).code);
    },
  );

  it("a sendMany mixing every bad input with good messages delivers every good one", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer();
    const messages: unknown[] = [];
    CASES.forEach((c, i) => {
      messages.push({ topic, value: `good-${i}` }, c.message(topic));
    });
    const settled = await producer.sendMany(messages as never[]);
    expect(settled).toHaveLength(messages.length);
    CASES.forEach((c, i) => {
      const good = settled[2 * i];
      const bad = settled[2 * i + 1];
      expect(good?.status, `good-${i}`).toBe("fulfilled");
      expect(bad?.status, c.name).toBe("rejected");
      expect(bad?.status === "rejected" && c.codes.includes(bad.reason.code), c.name).toBe(true);
    });
    const arrived = (await ctx.readSettled(topic, CASES.length)).map((m) => JSON.parse(asText(m.value)));
    expect(arrived.toSorted()).toEqual(CASES.map((_, i) => `good-${i}`).toSorted());
  });

  it("a serializer that throws fails only its own message, with SERIALIZATION_FAILED", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({
      serializer: {
        contentType: "text/plain",
        serialize(value: unknown) {
          if (value === "boom") throw new Error("cannot encode boom");
          return new TextEncoder().encode(String(value));
        },
      },
    });
    const settled = await producer.sendMany([
      { topic, value: "fine-1" },
      { topic, value: "boom" },
      { topic, value: "fine-2" },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(settled[1]?.status === "rejected" && settled[1].reason.code).toBe("SERIALIZATION_FAILED");
    const arrived = (await ctx.readSettled(topic, 2)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(["fine-1", "fine-2"]);
  });

  it("sendMany given something other than an array rejects with INVALID_MESSAGE", async () => {
    const producer = await ctx.producer();
    await expect(producer.sendMany("not an array" as never)).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
    });
  });
}
