import { describe, expect, it } from "vitest";
import { OutboundError } from "../src/errors/index.js";
import {
  bytesSerializer,
  CONTENT_TYPE_HEADER,
  jsonSerializer,
  resolveSerializer,
  type SerializeContext,
  type Serializer,
  stringSerializer,
} from "../src/serializer/index.js";

const context = (): SerializeContext => ({ topic: "orders", headers: {} });
const text = (bytes: Uint8Array) => new TextDecoder("utf-8", { fatal: true }).decode(bytes);

/** Serializes synchronously; the built-ins never return a promise. */
function run<V>(serializer: Serializer<V>, value: V): Uint8Array {
  const out = serializer.serialize(value, context());
  if (!(out instanceof Uint8Array)) throw new Error("expected bytes synchronously");
  return out;
}

/** Runs `fn` and returns the OutboundError it throws; fails the test if it throws nothing else. */
function thrown(fn: () => unknown): OutboundError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected an OutboundError, nothing was thrown");
}

function expectSerializationFailed(error: OutboundError, serializer: string, ...mentions: string[]) {
  expect(error.code).toBe("SERIALIZATION_FAILED");
  expect(error.kind).toBe("terminal");
  expect(error.message).toContain(`${serializer} serializer`);
  expect(error.message).toContain('"orders"');
  for (const mention of mentions) expect(error.message).toContain(mention);
  expect(error.details).toEqual({ serializer, topic: "orders" });
}

describe("CONTENT_TYPE_HEADER", () => {
  it("is the lower-case header name", () => {
    expect(CONTENT_TYPE_HEADER).toBe("content-type");
  });
});

describe("jsonSerializer", () => {
  it("encodes values as UTF-8 JSON", () => {
    expect(jsonSerializer.contentType).toBe("application/json");
    const value = { id: 7, items: ["a", "é", "日本", "😀"], nested: { ok: true, none: null } };
    const bytes = run(jsonSerializer, value);
    expect(JSON.parse(text(bytes))).toEqual(value);
    expect(Buffer.from(bytes).includes(Buffer.from("😀"))).toBe(true);
  });

  it.each([
    ["null", null, "null"],
    ["a number", 42, "42"],
    ["a string", "hi", '"hi"'],
    ["false", false, "false"],
    ["an empty array", [], "[]"],
    ["a Date", new Date(0), '"1970-01-01T00:00:00.000Z"'],
  ])("encodes %s", (_, value, json) => {
    expect(text(run(jsonSerializer, value))).toBe(json);
  });

  it("escapes a lone surrogate instead of corrupting it", () => {
    const bytes = run(jsonSerializer, "a\ud800b");
    expect(text(bytes)).toBe('"a\\ud800b"');
    expect(JSON.parse(text(bytes))).toBe("a\ud800b");
  });

  it.each([
    ["undefined", undefined, "undefined"],
    ["a function", () => 1, "function"],
    ["a symbol", Symbol("s"), "symbol"],
  ])("rejects %s at the top level instead of sending nothing", (_, value, mention) => {
    const error = thrown(() => jsonSerializer.serialize(value, context()));
    expectSerializationFailed(error, "json", mention, "send null");
  });

  it("rejects a BigInt anywhere in the value", () => {
    const error = thrown(() => jsonSerializer.serialize({ amount: 10n }, context()));
    expectSerializationFailed(error, "json", "BigInt");
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("rejects a cycle", () => {
    const value: Record<string, unknown> = { name: "loop" };
    value.self = value;
    const error = thrown(() => jsonSerializer.serialize(value, context()));
    expectSerializationFailed(error, "json", "circular");
  });

  it("reports a throwing toJSON with its message", () => {
    const value = {
      toJSON() {
        throw new Error("not serializable today");
      },
    };
    expectSerializationFailed(
      thrown(() => jsonSerializer.serialize(value, context())),
      "json",
      "not serializable today",
    );
  });

  it("leaves the message headers alone", () => {
    const headers = { trace: "abc" };
    jsonSerializer.serialize({ a: 1 }, { topic: "orders", headers });
    expect(headers).toEqual({ trace: "abc" });
  });
});

describe("stringSerializer", () => {
  it("encodes strings as UTF-8", () => {
    expect(stringSerializer.contentType).toBe("text/plain; charset=utf-8");
    expect(Buffer.from(run(stringSerializer, "héllo 😀")).toString("hex")).toBe(
      Buffer.from("héllo 😀", "utf8").toString("hex"),
    );
    expect(run(stringSerializer, "").byteLength).toBe(0);
  });

  it.each([
    ["a number", 42, "a number"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["an object", { a: 1 }, "an object"],
    ["bytes", new Uint8Array([1]), "got Uint8Array"],
    ["a String object", new String("x"), "got String"],
  ])("rejects %s", (_, value, mention) => {
    const error = thrown(() => stringSerializer.serialize(value as string, context()));
    expectSerializationFailed(error, "string", "expects a string value", mention);
  });

  it.each([
    ["a lone high surrogate", "a\ud800b"],
    ["a lone low surrogate", "\udc00"],
    ["a reversed pair", "\ude00\ud83d"],
  ])("rejects %s rather than replacing it with U+FFFD", (_, value) => {
    expectSerializationFailed(
      thrown(() => stringSerializer.serialize(value, context())),
      "string",
      "lone UTF-16 surrogate",
    );
  });
});

describe("bytesSerializer", () => {
  it("passes a Uint8Array through as the same object", () => {
    expect(bytesSerializer.contentType).toBe("application/octet-stream");
    const value = new Uint8Array([0, 1, 255]);
    expect(run(bytesSerializer, value)).toBe(value);
  });

  it("passes a Buffer through, including a slice of a larger buffer", () => {
    const backing = Buffer.from("xxpayloadxx");
    const slice = backing.subarray(2, 9);
    const out = run(bytesSerializer, slice);
    expect(out).toBe(slice);
    expect(Buffer.from(out).toString()).toBe("payload");
  });

  it("wraps an ArrayBuffer without changing its bytes", () => {
    const buffer = new Uint8Array([9, 8, 7]).buffer;
    const out = run(bytesSerializer, buffer);
    expect(out).toBeInstanceOf(Uint8Array);
    expect([...out]).toEqual([9, 8, 7]);
    expect(run(bytesSerializer, new ArrayBuffer(0)).byteLength).toBe(0);
  });

  it.each([
    ["a string", "abc", "a string"],
    ["a number array", [1, 2, 3], "an array"],
    ["an Int16Array", new Int16Array([1]), "got Int16Array"],
    ["a DataView", new DataView(new ArrayBuffer(2)), "got DataView"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a plain object", { type: "Buffer", data: [1] }, "an object"],
  ])("rejects %s", (_, value, mention) => {
    const error = thrown(() => bytesSerializer.serialize(value as unknown as Uint8Array, context()));
    expectSerializationFailed(error, "bytes", "Uint8Array, Buffer or ArrayBuffer", mention);
  });
});

describe("resolveSerializer", () => {
  it("resolves each built-in name", () => {
    expect(resolveSerializer("json")).toBe(jsonSerializer);
    expect(resolveSerializer("string")).toBe(stringSerializer);
    expect(resolveSerializer("bytes")).toBe(bytesSerializer);
  });

  it("uses a Serializer object as is", () => {
    const custom: Serializer<number> = {
      contentType: "application/x-int",
      serialize: (value) => new Uint8Array([value]),
    };
    expect(resolveSerializer(custom as Serializer)).toBe(custom);
  });

  it.each([
    ["an unknown name", "yaml", 'unknown serializer "yaml"'],
    ["a near miss in case", "JSON", 'unknown serializer "JSON"'],
    ["null", null, "got null"],
    ["a number", 1, "got number"],
    ["a function", () => new Uint8Array(), "got function"],
    ["an object without serialize()", { contentType: "text/plain" }, "no serialize() method"],
    ["an object without contentType", { serialize: () => new Uint8Array() }, "non-empty contentType"],
    [
      "an empty contentType",
      { contentType: " ", serialize: () => new Uint8Array() },
      "non-empty contentType",
    ],
  ])("rejects %s with INVALID_CONFIG", (_, spec, mention) => {
    const error = thrown(() => resolveSerializer(spec as never));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(mention);
    expect(error.message).toContain('"json", "string", "bytes"');
    expect(error.details).toEqual({ field: "serializer" });
  });
});
