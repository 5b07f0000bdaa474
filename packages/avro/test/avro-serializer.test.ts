import { avroSerializer } from "@outbound/avro";
import { createProducer, OutboundError } from "@outbound/core";
import { memoryTransport } from "@outbound/memory";
import { MemorySchemaRegistry, parseConfluentFrame } from "@outbound/schema-registry";
import { describe, expect, it } from "vitest";

const context = () => ({ topic: "t", headers: {} });

function roundTrip(schema: unknown, value: unknown): unknown {
  const serializer = avroSerializer({ schema: schema as never });
  const bytes = serializer.serialize(value, context()) as Uint8Array;
  return serializer.type.fromBuffer(Buffer.from(bytes));
}

function failure(schema: unknown, value: unknown): OutboundError {
  const serializer = avroSerializer({ schema: schema as never });
  try {
    serializer.serialize(value, context());
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected SERIALIZATION_FAILED");
}

describe("Avro primitives round-trip", () => {
  const cases: [string, unknown[]][] = [
    ["null", [null]],
    ["boolean", [true, false]],
    ["int", [0, 1, -1, 2147483647, -2147483648]],
    // Full 64-bit range: safe integers as numbers, the rest as bigints (see exact-long.ts).
    [
      "long",
      [
        0,
        -1,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_SAFE_INTEGER,
        2n ** 63n - 1n,
        -(2n ** 63n),
        -(2n ** 53n) - 3n,
      ],
    ],
    ["float", [0, 1.5, -3.25, Number.POSITIVE_INFINITY]],
    ["double", [0, Math.PI, -1e300, Number.MIN_VALUE]],
    ["bytes", [Buffer.alloc(0), Buffer.from([0, 255, 1])]],
    ["string", ["", "héllo ✓ 🎉"]],
  ];
  for (const [type, values] of cases) {
    it(type, () => {
      for (const value of values) expect(roundTrip(type, value)).toEqual(value);
    });
  }

  it("writes the exact Avro encoding (zig-zag varint long, length-prefixed string)", () => {
    const serializer = avroSerializer({
      schema: {
        type: "record",
        name: "R",
        fields: [
          { name: "n", type: "long" },
          { name: "s", type: "string" },
        ],
      },
    });
    const bytes = serializer.serialize({ n: -2, s: "ab" }, context()) as Uint8Array;
    expect(Buffer.from(bytes).toString("hex")).toBe("03" + "04" + "6162");
  });

  it("encodes large negative longs exactly (avsc's default long does not)", () => {
    const serializer = avroSerializer({ schema: "long" });
    const hex = (v: number | bigint) =>
      Buffer.from(serializer.serialize(v, context()) as Uint8Array).toString("hex");
    // zig-zag(-(2^53 - 1)) = 2^54 - 3: varint fd ff ff ff ff ff ff 1f
    expect(hex(Number.MIN_SAFE_INTEGER)).toBe("fdffffffffffff1f");
    expect(hex(-(2n ** 63n))).toBe("ffffffffffffffffff01");
  });
});

describe("Avro complex types round-trip", () => {
  it("record, enum, fixed, array, map and union", () => {
    const schema = {
      type: "record",
      name: "Order",
      namespace: "shop",
      fields: [
        { name: "status", type: { type: "enum", name: "Status", symbols: ["NEW", "PAID"] } },
        { name: "hash", type: { type: "fixed", name: "Hash", size: 4 } },
        {
          name: "lines",
          type: {
            type: "array",
            items: {
              type: "record",
              name: "Line",
              fields: [
                { name: "sku", type: "string" },
                { name: "qty", type: "int" },
              ],
            },
          },
        },
        { name: "labels", type: { type: "map", values: "string" } },
        { name: "note", type: ["null", "string"], default: null },
      ],
    };
    const value = {
      status: "PAID",
      hash: Buffer.from("abcd"),
      lines: [
        { sku: "A", qty: 2 },
        { sku: "B", qty: 1 },
      ],
      labels: { channel: "web" },
      note: "leave at door",
    };
    expect(JSON.parse(JSON.stringify(roundTrip(schema, value)))).toEqual(JSON.parse(JSON.stringify(value)));
    expect((roundTrip(schema, { ...value, note: null }) as { note: unknown }).note).toBeNull();
  });
});

describe("Avro logical types", () => {
  it("timestamp-millis takes a Date or epoch milliseconds and decodes to a Date", () => {
    const schema = { type: "long", logicalType: "timestamp-millis" };
    expect(roundTrip(schema, new Date(1_700_000_000_123))).toEqual(new Date(1_700_000_000_123));
    expect(roundTrip(schema, 0)).toEqual(new Date(0));
    expect(roundTrip(schema, new Date(-1))).toEqual(new Date(-1));
  });

  it("decimal on bytes keeps the exact value, with the scale's digits", () => {
    const schema = { type: "bytes", logicalType: "decimal", precision: 9, scale: 2 };
    expect(roundTrip(schema, "12.34")).toBe("12.34");
    expect(roundTrip(schema, "-0.5")).toBe("-0.50");
    expect(roundTrip(schema, 7)).toBe("7.00");
    expect(roundTrip(schema, 0.1)).toBe("0.10");
    expect(roundTrip(schema, 5n)).toBe("5.00");
    expect(roundTrip(schema, "1.2e2")).toBe("120.00");
    expect(roundTrip(schema, "9999999.99")).toBe("9999999.99");
    expect(roundTrip(schema, "0")).toBe("0.00");
  });

  it("decimal writes the big-endian two's-complement unscaled value, minimal length", () => {
    const serializer = avroSerializer({
      schema: { type: "bytes", logicalType: "decimal", precision: 6, scale: 2 },
    });
    const hex = (v: string) => Buffer.from(serializer.serialize(v, context()) as Uint8Array).toString("hex");
    expect(hex("1.27")).toBe("02" + "7f"); // length 1, 127
    expect(hex("1.28")).toBe("04" + "0080"); // 128 needs a sign byte
    expect(hex("-1.28")).toBe("02" + "80");
    expect(hex("-0.01")).toBe("02" + "ff");
  });

  it("decimal on fixed sign-extends to the fixed size", () => {
    const schema = { type: "fixed", name: "Money", size: 8, logicalType: "decimal", precision: 18, scale: 4 };
    expect(roundTrip(schema, "-123.4567")).toBe("-123.4567");
    const serializer = avroSerializer({ schema });
    expect(Buffer.from(serializer.serialize("-0.0001", context()) as Uint8Array).toString("hex")).toBe(
      "ffffffffffffffff",
    );
  });

  it("uuid takes the RFC 4122 text form", () => {
    const schema = { type: "string", logicalType: "uuid" };
    expect(roundTrip(schema, "123e4567-e89b-12d3-a456-426614174000")).toBe(
      "123e4567-e89b-12d3-a456-426614174000",
    );
  });

  it("exports logical types in the registered schema", () => {
    const serializer = avroSerializer({
      schema: { type: "bytes", logicalType: "decimal", precision: 9, scale: 2 },
    });
    expect(JSON.parse(new TextDecoder().decode(serializer.pulsarSchema.data))).toEqual({
      type: "bytes",
      logicalType: "decimal",
      precision: 9,
      scale: 2,
    });
  });

  it("rejects a malformed logical type when the serializer is built", () => {
    expect(() => avroSerializer({ schema: { type: "bytes", logicalType: "decimal" } as never })).toThrow(
      /precision/,
    );
  });
});

describe("invalid Avro values fail with SERIALIZATION_FAILED naming the field", () => {
  const order = {
    type: "record",
    name: "Order",
    fields: [
      { name: "id", type: { type: "string", logicalType: "uuid" } },
      { name: "at", type: { type: "long", logicalType: "timestamp-millis" } },
      { name: "total", type: { type: "bytes", logicalType: "decimal", precision: 5, scale: 2 } },
      { name: "count", type: "int" },
      { name: "big", type: "long" },
      { name: "ratio", type: "float" },
      { name: "ok", type: "boolean" },
      { name: "raw", type: "bytes" },
      { name: "status", type: { type: "enum", name: "Status", symbols: ["NEW", "PAID"] } },
      {
        name: "lines",
        type: {
          type: "array",
          items: { type: "record", name: "Line", fields: [{ name: "qty", type: "int" }] },
        },
      },
      { name: "labels", type: { type: "map", values: "string" } },
      { name: "note", type: ["null", "string"] },
    ],
  };
  const good = {
    id: "123e4567-e89b-12d3-a456-426614174000",
    at: new Date(0),
    total: "1.00",
    count: 1,
    big: 2,
    ratio: 0.5,
    ok: true,
    raw: Buffer.from([1]),
    status: "NEW",
    lines: [{ qty: 1 }],
    labels: { a: "b" },
    note: null,
  };

  it("accepts the good value", () => {
    expect(roundTrip(order, good)).toMatchObject({ count: 1, total: "1.00" });
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["a missing field", { id: undefined }, "id", /expected uuid, got nothing/],
    ["a malformed uuid", { id: "not-a-uuid" }, "id", /expected uuid/],
    ["an invalid Date", { at: new Date("nope") }, "at", /timestamp-millis/],
    ["a decimal with too many fraction digits", { total: "1.005" }, "total", /decimal/],
    ["a decimal beyond the precision", { total: "1000.00" }, "total", /decimal/],
    ["a string where an int goes", { count: "1" }, "count", /expected int, got a string/],
    ["an int out of range", { count: 2 ** 31 }, "count", /expected int/],
    ["a fractional int", { count: 1.5 }, "count", /expected int/],
    [
      "an unsafe number for a long (send a bigint)",
      { big: 2 ** 60 },
      "big",
      /expected long, got a number outside/,
    ],
    ["a bigint beyond 64 bits", { big: 2n ** 63n }, "big", /expected long/],
    ["a string where a float goes", { ratio: "0.5" }, "ratio", /expected float/],
    ["a number where a boolean goes", { ok: 1 }, "ok", /expected boolean/],
    ["a string where bytes go", { raw: "AQ==" }, "raw", /expected bytes/],
    ["an unknown enum symbol", { status: "LOST" }, "status", /enum Status/],
    ["a bad item deep in an array", { lines: [{ qty: 1 }, { qty: "2" }] }, "lines[1].qty", /expected int/],
    ["a bad map value", { labels: { a: 1 } }, "labels.a", /expected string/],
    ["no union branch matches", { note: 5 }, "note", /union|string|null/],
  ];
  for (const [name, patch, path, message] of bad) {
    it(name, () => {
      const error = failure(order, { ...good, ...patch });
      expect(error.code).toBe("SERIALIZATION_FAILED");
      expect(error.kind).toBe("terminal");
      expect(error.details).toMatchObject({ serializer: "avro", topic: "t", path });
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`"${path}"`);
    });
  }

  it("names the top level for a value that is not a record", () => {
    expect(failure(order, "text").details).toMatchObject({ path: "" });
    expect(failure("int", null).message).toMatch(/expected int, got null at the top level/);
  });
});

describe("with a schema registry", () => {
  it("frames the body with the registered id under <topic>-value", async () => {
    const registry = new MemorySchemaRegistry({ firstId: 41 });
    const serializer = avroSerializer({ schema: "string", registry: { client: registry } });
    expect(serializer.framed).toBe(true);
    const framed = await serializer.serialize("hi", { topic: "greetings", headers: {} });
    const frame = parseConfluentFrame(framed);
    expect(frame.schemaId).toBe(41);
    expect(serializer.type.fromBuffer(Buffer.from(frame.body))).toBe("hi");
    expect(registry.listSubjects()).toEqual(["greetings-value"]);
  });

  it("validates before calling the registry: a bad value registers nothing", async () => {
    const registry = new MemorySchemaRegistry();
    const serializer = avroSerializer({ schema: "int", registry: { client: registry } });
    expect(() => serializer.serialize("x", context())).toThrow(OutboundError);
    expect(registry.calls).toEqual([]);
  });
});

describe("through a producer on the memory broker", () => {
  it("sends good values and fails only the bad one, which the broker never holds", async () => {
    const transport = memoryTransport();
    const registry = new MemorySchemaRegistry();
    const schema = {
      type: "record",
      name: "Reading",
      fields: [
        { name: "sensor", type: "string" },
        { name: "celsius", type: { type: "bytes", logicalType: "decimal", precision: 5, scale: 1 } },
      ],
    };
    const serializer = avroSerializer({ schema, registry: { client: registry } });
    const producer = createProducer({ transport, serializer, lingerMs: 0 });
    try {
      const settled = await producer.sendMany([
        { topic: "readings", value: { sensor: "a", celsius: "21.5" } },
        { topic: "readings", value: { sensor: "b", celsius: "hot" } },
        { topic: "readings", value: { sensor: "c", celsius: "-3.0" } },
      ]);
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      const rejected = settled[1] as { reason: OutboundError };
      expect(rejected.reason.code).toBe("SERIALIZATION_FAILED");
      expect(rejected.reason.details).toMatchObject({ path: "celsius" });

      const stored = transport.broker.messages("readings");
      expect(stored).toHaveLength(2);
      const decoded = stored.map((m) =>
        serializer.type.fromBuffer(Buffer.from(parseConfluentFrame(m.value).body)),
      );
      expect(decoded).toMatchObject([
        { sensor: "a", celsius: "21.5" },
        { sensor: "c", celsius: "-3.0" },
      ]);
      expect(stored.every((m) => m.contentType === "application/avro")).toBe(true);
    } finally {
      await producer.close();
    }
  });
});
