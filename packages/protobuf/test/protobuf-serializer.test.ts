import { fileURLToPath } from "node:url";
import { createProducer, OutboundError } from "@outbound/core";
import { memoryTransport } from "@outbound/memory";
import { PROTOBUF_MESSAGE_TYPE_HEADER, protobufSerializer, readNestedTypeLayout } from "@outbound/protobuf";
import { MemorySchemaRegistry, parseConfluentFrame } from "@outbound/schema-registry";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";

const protoFile = fileURLToPath(new URL("./fixtures/shop.proto", import.meta.url));
const order = () => protobufSerializer({ protoFile, messageName: "shop.v1.Order" });
const decodeOrder = (bytes: Uint8Array) =>
  order().type.toObject(order().type.decode(bytes), {
    longs: Number,
    enums: String,
    bytes: Array,
    defaults: false,
  });

const fullOrder = {
  id: "o-1",
  createdMs: 1_700_000_000_123,
  customer: { name: "Ada", address: { city: "London", country: "GB" } },
  lines: [
    { sku: "A", quantity: 2, unitPrice: 1.5 },
    { sku: "B", quantity: 1, unitPrice: 10.25 },
  ],
  labels: { channel: "web", promo: "x" },
  card: { last4: "4242", expiryMonth: -3 },
  status: 1,
  tags: [1, -2, 300],
  signature: Uint8Array.of(0, 1, 255),
  total: 13.25,
  gift: true,
};

function failure(serialize: () => unknown): OutboundError {
  try {
    serialize();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected SERIALIZATION_FAILED");
}

describe("Protobuf round trips", () => {
  it("nested messages, oneof, map, repeated scalars and messages, enum, bytes", () => {
    const headers: Record<string, string | Uint8Array> = { trace: "t-1" };
    const bytes = order().serialize(fullOrder, { topic: "orders", headers }) as Uint8Array;
    expect(decodeOrder(bytes)).toEqual({
      ...fullOrder,
      status: "STATUS_PAID",
      signature: [0, 1, 255],
    });
    // The serializer adds the message name and keeps the user's headers.
    expect(headers).toEqual({ trace: "t-1", [PROTOBUF_MESSAGE_TYPE_HEADER]: "shop.v1.Order" });
  });

  it("the other oneof member", () => {
    const bytes = order().serialize(
      { id: "o-2", voucher: "SAVE10" },
      { topic: "t", headers: {} },
    ) as Uint8Array;
    const decoded = order().type.decode(bytes) as unknown as {
      voucher: string;
      payment: string;
      card?: unknown;
    };
    expect(decoded.voucher).toBe("SAVE10");
    expect(decoded.payment).toBe("voucher");
    expect(decoded.card ?? undefined).toBeUndefined();
  });

  it("takes enum names as well as numbers", () => {
    const bytes = order().serialize({ status: "STATUS_SHIPPED" }, { topic: "t", headers: {} }) as Uint8Array;
    expect(decodeOrder(bytes)).toEqual({ status: "STATUS_SHIPPED" });
  });

  it("takes instances of the type", () => {
    const type = order().type;
    const message = type.fromObject({ id: "o-3", lines: [{ sku: "Z" }] });
    const bytes = order().serialize(message, { topic: "t", headers: {} }) as Uint8Array;
    expect(decodeOrder(bytes)).toEqual({ id: "o-3", lines: [{ sku: "Z" }] });
  });

  it("writes the standard encoding: fields by number, packed repeated scalars", () => {
    const bytes = order().serialize({ id: "a", tags: [1, 2] }, { topic: "t", headers: {} }) as Uint8Array;
    // field 1 string "a"; field 9 packed varints [1, 2]
    expect(Buffer.from(bytes).toString("hex")).toBe("0a0161" + "4a020102");
  });

  it("builds from a protobufjs Type made in code", () => {
    const root = new protobuf.Root().define("demo");
    const type = new protobuf.Type("Ping").add(new protobuf.Field("seq", 1, "uint32"));
    root.add(type);
    const serializer = protobufSerializer({ type });
    expect(serializer.messageName).toBe("demo.Ping");
    expect(
      Buffer.from(serializer.serialize({ seq: 5 }, { topic: "t", headers: {} }) as Uint8Array).toString(
        "hex",
      ),
    ).toBe("0805");
  });
});

describe("message indexes", () => {
  const indexes = (name: string) => protobufSerializer({ protoFile, messageName: name }).messageIndexes;
  it("count only messages, in declaration order, nested paths included", () => {
    expect(indexes("shop.v1.Order")).toEqual([0]);
    expect(indexes("shop.v1.Customer")).toEqual([1]);
    // Order's map field `labels` makes a synthetic LabelsEntry, nested type 0, as protoc does.
    expect(indexes("shop.v1.Order.Line")).toEqual([0, 1]);
    expect(indexes("shop.v1.Order.Card")).toEqual([0, 2]);
    // Declared before Customer's map field, so before its LoyaltyPointsEntry; Phone after it.
    expect(indexes("shop.v1.Customer.Address")).toEqual([1, 0]);
    expect(indexes("shop.v1.Customer.Phone")).toEqual([1, 2]);
  });

  it("read the nested-type order from the source, ignoring comments and strings", () => {
    const layout = readNestedTypeLayout(`
      syntax = "proto3"; // message Fake {
      /* message Hidden { */
      message A {
        option (x) = { y: "message Z {" };
        message B { map<int32, string> inner_map = 1; }
        map<string, B> my_labels = 2 [(opt) = true];
        oneof choice { string s = 3; }
        message C {}
      }
      message D {}
    `);
    expect(Object.fromEntries(layout)).toEqual({
      A: ["B", "MyLabelsEntry", "C"],
      "A.B": ["InnerMapEntry"],
      "A.C": [],
      D: [],
    });
  });

  it("count map entries first for a type built in code, as protobufjs's own descriptor does", () => {
    const root = protobuf.Root.fromJSON({
      // protobufjs's JSON form of a map field; INamespace does not type keyType.
      nested: {
        Outer: {
          fields: { tags: { keyType: "string", type: "string", id: 1 } as protobuf.IField },
          nested: { Inner: { fields: { v: { type: "int32", id: 1 } } } },
        },
      },
    });
    expect(protobufSerializer({ type: root.lookupType("Outer.Inner") }).messageIndexes).toEqual([0, 1]);
  });
});

describe("invalid Protobuf values fail with SERIALIZATION_FAILED naming the field", () => {
  const bad: [string, unknown, string, RegExp][] = [
    ["a number where a string goes", { id: 5 }, "id", /string expected/],
    ["a string where an int64 goes", { createdMs: "soon" }, "createdMs", /integer\|Long expected/],
    [
      "a fraction where a uint32 goes",
      { lines: [{ sku: "a" }, { quantity: 1.5 }] },
      "lines[1].quantity",
      /integer expected/,
    ],
    [
      "a deep nested error",
      { customer: { address: { city: 7 } } },
      "customer.address.city",
      /string expected/,
    ],
    ["an unknown field (snake_case instead of camelCase)", { created_ms: 1 }, "created_ms", /no such field/],
    ["an unknown nested field", { lines: [{ sku: "a", colour: "red" }] }, "lines[0].colour", /no such field/],
    ["an unknown enum name", { status: "STATUS_LOST" }, "status", /not a value of enum shop.v1.Status/],
    // An unknown enum NUMBER is legal: proto3 enums are open, and consumers keep unknown values.
    ["a fractional enum number", { status: 1.5 }, "status", /enum value expected/],
    ["a wrong map value", { labels: { a: 1 } }, "labels", /expected/],
    ["two members of one oneof", { card: { last4: "1" }, voucher: "v" }, "payment", /multiple values/],
    ["a scalar where a message goes", { customer: "Ada" }, "customer", /object expected|message/],
    ["a non-array for a repeated field", { tags: 1 }, "tags", /array expected/],
    ["not an object at all", "order", "(value)", /message shop.v1.Order expected/],
  ];
  for (const [name, value, path, message] of bad) {
    it(name, () => {
      const error = failure(() => order().serialize(value, { topic: "orders", headers: {} }));
      expect(error.code).toBe("SERIALIZATION_FAILED");
      expect(error.details).toMatchObject({ serializer: "protobuf", topic: "orders", path });
      expect(error.message).toMatch(message);
    });
  }
});

describe("with a schema registry", () => {
  it("frames with the id, then the message indexes, then the body; registers the .proto text", async () => {
    const registry = new MemorySchemaRegistry({ firstId: 3 });
    const serializer = protobufSerializer({
      protoFile,
      messageName: "shop.v1.Order.Line",
      registry: { client: registry },
    });
    const framed = await serializer.serialize({ sku: "A" }, { topic: "lines", headers: {} });
    const frame = parseConfluentFrame(framed, { protobuf: true });
    expect(frame.schemaId).toBe(3);
    expect(frame.messageIndexes).toEqual([0, 1]);
    expect(Buffer.from(frame.body).toString("hex")).toBe("0a0141");
    expect(Buffer.from(framed.subarray(5, 8)).toString("hex")).toBe("040002");
    expect(registry.listSubjects()).toEqual(["lines-value"]);
  });

  it("uses the fully qualified message name with the record strategy", async () => {
    const registry = new MemorySchemaRegistry();
    const serializer = protobufSerializer({
      protoFile,
      messageName: "shop.v1.Order",
      registry: { client: registry, subjectNameStrategy: "record" },
    });
    const framed = await serializer.serialize({ id: "x" }, { topic: "orders", headers: {} });
    expect(framed[5]).toBe(0); // the [0] shortcut
    expect(registry.listSubjects()).toEqual(["shop.v1.Order"]);
  });

  it("declares a PROTOBUF_NATIVE schema for Pulsar", () => {
    const info = order().pulsarSchema;
    expect(info.type).toBe("PROTOBUF_NATIVE");
    const document = JSON.parse(new TextDecoder().decode(info.data));
    expect(document.rootMessageTypeName).toBe("shop.v1.Order");
    expect(document.rootFileDescriptorName).toMatch(/\.proto$/);
    const root = (
      protobuf.Root as unknown as { fromDescriptor(b: Uint8Array): protobuf.Root }
    ).fromDescriptor(Buffer.from(document.fileDescriptorSet, "base64"));
    expect(root.lookupType("shop.v1.Order").fieldsArray.map((f) => f.id)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
  });
});

describe("through a producer on the memory broker", () => {
  it("sends good values, fails only the bad one, and the broker never holds it", async () => {
    const transport = memoryTransport();
    const serializer = order();
    const producer = createProducer({ transport, serializer, lingerMs: 0 });
    try {
      const settled = await producer.sendMany([
        { topic: "orders", value: { id: "1" } },
        { topic: "orders", value: { id: "2", lines: [{ sku: 2 }] } },
        { topic: "orders", value: { id: "3", status: "STATUS_PAID" } },
      ]);
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((settled[1] as { reason: OutboundError }).reason.details).toMatchObject({
        path: "lines[0].sku",
      });
      const stored = transport.broker.messages("orders");
      expect(stored.map((m) => decodeOrder(m.value).id)).toEqual(["1", "3"]);
      expect(stored[0]?.contentType).toBe("application/x-protobuf");
      expect(stored[0]?.headers[PROTOBUF_MESSAGE_TYPE_HEADER]).toBe("shop.v1.Order");
    } finally {
      await producer.close();
    }
  });
});
