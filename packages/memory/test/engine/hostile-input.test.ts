/**
 * Input a hostile but realistic caller gives: each message goes through exactly as given or is
 * refused with a typed error naming the field, never changed silently, never thrown
 * synchronously, and never at the cost of another message. The broker-facing side of these
 * cases is in the contract suite's bad-input and fidelity groups.
 */
import { createProducer, OutboundError, type Producer, type ProducerConfig } from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";
import { rejection } from "./rejection.js";

const producers: Producer[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 200 })));
});

function setup(config: Partial<ProducerConfig> = {}, options: Parameters<typeof memoryTransport>[0] = {}) {
  const transport = memoryTransport({ partitions: 4, ...options });
  const producer = createProducer({ transport, ...config } as ProducerConfig);
  producers.push(producer);
  return { broker: transport.broker, producer };
}

class HeaderBag {
  "trace-id" = "abc";
}

const throwingGetter = (field: string) =>
  Object.defineProperty({ topic: "t", value: 1 }, field, {
    enumerable: true,
    get() {
      throw new Error(`${field} getter boom`);
    },
  });

const hostileProxy = new Proxy(
  {},
  {
    get() {
      throw new Error("proxy get boom");
    },
    getPrototypeOf() {
      throw new Error("proxy getPrototypeOf boom");
    },
  },
);

const refused: [string, () => unknown, RegExp][] = [
  [
    "headers as a Map",
    () => ({ topic: "t", value: 1, headers: new Map([["trace-id", "abc"]]) }),
    /headers.*Map/,
  ],
  [
    "headers as a class instance",
    () => ({ topic: "t", value: 1, headers: new HeaderBag() }),
    /headers.*HeaderBag/,
  ],
  ["a symbol-named header", () => ({ topic: "t", value: 1, headers: { [Symbol("h")]: "v" } }), /symbol/],
  ["a lone high surrogate key", () => ({ topic: "t", value: 1, key: "\uD800" }), /key.*surrogate/],
  ["a lone low surrogate key", () => ({ topic: "t", value: 1, key: "a\uDBFF" }), /key.*surrogate/],
  ["a lone surrogate topic", () => ({ topic: "t\uD800", value: 1 }), /topic.*surrogate/],
  [
    "a lone surrogate header value",
    () => ({ topic: "t", value: 1, headers: { h: "\uDC00" } }),
    /header "h".*surrogate/,
  ],
  [
    "a lone surrogate header name",
    () => ({ topic: "t", value: 1, headers: { "\uD800": "v" } }),
    /header name.*surrogate/,
  ],
  ["a lone surrogate id", () => ({ topic: "t", value: 1, id: "\uD800" }), /id.*surrogate/],
  ["a timestamp of 1e20", () => ({ topic: "t", value: 1, timestamp: 1e20 }), /timestamp/],
  ["a timestamp of 2^63", () => ({ topic: "t", value: 1, timestamp: 2 ** 63 }), /timestamp/],
  ["a fractional timestamp", () => ({ topic: "t", value: 1, timestamp: 1.5 }), /timestamp/],
  [
    "a timestamp past what a Date holds",
    () => ({ topic: "t", value: 1, timestamp: 8_640_000_000_000_001 }),
    /timestamp/,
  ],
  ["a topic getter that throws", () => throwingGetter("topic"), /topic getter boom/],
  ["a value getter that throws", () => throwingGetter("value"), /value getter boom/],
  ["a Proxy that throws on every read", () => hostileProxy, /proxy/],
  [
    "a header getter that throws",
    () => ({
      topic: "t",
      value: 1,
      headers: Object.defineProperty({}, "h", {
        enumerable: true,
        get() {
          throw new Error("header getter boom");
        },
      }),
    }),
    /header "h" could not be read: header getter boom/,
  ],
];

describe("input is kept exactly or refused, naming the field", () => {
  it.each(refused)("%s: send() rejects with INVALID_MESSAGE and does not throw", async (_, message, why) => {
    const { producer, broker } = setup();
    let sent: Promise<unknown> | undefined;
    expect(() => {
      sent = producer.send(message() as never);
    }).not.toThrow();
    const error = await rejection(sent!);
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toMatch(why);
    expect(broker.count()).toBe(0);
  });

  it("a sendMany mixing every refused input with good messages delivers every good one and reports each", async () => {
    const { producer, broker } = setup();
    const messages = refused.flatMap(([, message], i) => [{ topic: "t", value: `good-${i}` }, message()]);
    const settled = await producer.sendMany(messages as never[]);
    expect(settled).toHaveLength(messages.length);
    settled.forEach((s, i) => {
      expect(s.status, String(i)).toBe(i % 2 === 0 ? "fulfilled" : "rejected");
      if (s.status === "rejected") expect(s.reason.code).toBe("INVALID_MESSAGE");
    });
    expect(
      broker
        .messages("t")
        .map((m) => m.json<string>())
        .toSorted(),
    ).toEqual(refused.map((_, i) => `good-${i}`).toSorted());
  });

  it("a field is read once: a getter that answers differently the second time is sent with its first answer", async () => {
    const { producer, broker } = setup();
    let reads = 0;
    const message = {
      value: 1,
      get topic() {
        reads++;
        return reads === 1 ? "first" : (42 as unknown as string);
      },
    };
    await producer.send(message);
    expect(reads).toBe(1);
    expect(broker.count("first")).toBe(1);
  });

  it("the largest timestamp a Date holds is kept exactly", async () => {
    const { producer, broker } = setup();
    const report = await producer.send({ topic: "t", value: 1, timestamp: 8_640_000_000_000_000 });
    expect(report.timestamp).toBe(8_640_000_000_000_000);
    expect(broker.messages("t")[0]!.timestamp).toBe(8_640_000_000_000_000);
  });

  it.each([
    ["a Buffer", Buffer.from([0, 1, 2, 255])],
    ["a Uint8Array", new Uint8Array([120, 0, 254])],
  ])(
    "%s value under the default JSON serializer goes out as its own bytes, as application/octet-stream",
    async (_, value) => {
      const { producer, broker } = setup();
      await producer.send({ topic: "t", value });
      const [stored] = broker.messages("t");
      expect(Buffer.from(stored!.value).equals(Buffer.from(value))).toBe(true);
      expect(stored!.contentType).toBe("application/octet-stream");
    },
  );

  it("a JSON object value still goes out as JSON, with its content type", async () => {
    const { producer, broker } = setup();
    await producer.send({ topic: "t", value: { a: 1 } });
    expect(broker.messages("t")[0]!.contentType).toBe("application/json");
  });

  it("a size error states both sizes in exact bytes, even when they round to the same KiB", async () => {
    const { producer } = setup({}, { maxMessageBytes: 1_048_371 });
    const error = await rejection(producer.send({ topic: "t", value: new Uint8Array(1_048_372) }));
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.message).toContain("1,048,372 bytes");
    expect(error.message).toContain("1,048,371 bytes");
  });

  it("a nested option typo is INVALID_CONFIG naming it, like the other nested options", () => {
    expect(() => createProducer({ transport: memoryTransport(), retry: { intialMs: 5 } as never })).toThrow(
      /retry.*intialMs/,
    );
    expect(() => createProducer({ transport: memoryTransport(), retry: { intialMs: 5 } as never })).toThrow(
      OutboundError,
    );
  });
});
