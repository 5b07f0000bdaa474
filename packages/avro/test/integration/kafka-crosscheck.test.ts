import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { avroSerializer } from "@outbound/avro";
import { createProducer, type Serializer } from "@outbound/core";
import { protobufSerializer } from "@outbound/protobuf";
import { MemorySchemaRegistry, parseConfluentFrame } from "@outbound/schema-registry";
import { Kafka, logLevel } from "kafkajs";
import { beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { ensureBrokers } from "../../../../tools/brokers/index.mjs";
import { ensurePythonEnv, runCrosscheck } from "../crosscheck/python-env.js";

/**
 * Outbound-framed Avro and Protobuf on real Kafka, read back by Confluent's Python client: its
 * consumer, its Avro and Protobuf deserializers and a MockSchemaRegistryClient holding the same
 * schemas under the same ids. Each message must decode to what was sent, and Confluent's own
 * serializer, given the decoded value, must write the very bytes Outbound wrote (all Avro
 * messages; Protobuf messages without multi-entry maps, whose order protobuf leaves open).
 * 12 messages: 6 Avro, 6 Protobuf; 11 byte comparisons.
 */

const protoFile = fileURLToPath(new URL("../../../protobuf/test/fixtures/shop.proto", import.meta.url));
const kafkaAddress = (endpoints() as { kafka: string }).kafka;
const run = randomUUID().slice(0, 8);
const topicName = (name: string) => `xcheck-${name}-${run}`;

const everything = {
  type: "record",
  name: "Everything",
  namespace: "xcheck",
  fields: [
    { name: "n", type: "null" },
    { name: "b", type: "boolean" },
    { name: "i", type: "int" },
    { name: "l", type: "long" },
    { name: "f", type: "float" },
    { name: "d", type: "double" },
    { name: "by", type: "bytes" },
    { name: "s", type: "string" },
    { name: "ts", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "dec", type: { type: "bytes", logicalType: "decimal", precision: 10, scale: 3 } },
    {
      name: "decf",
      type: { type: "fixed", name: "Money", size: 8, logicalType: "decimal", precision: 18, scale: 4 },
    },
    { name: "id", type: { type: "string", logicalType: "uuid" } },
    { name: "e", type: { type: "enum", name: "Colour", symbols: ["RED", "GREEN"] } },
    { name: "arr", type: { type: "array", items: "int" } },
    { name: "m", type: { type: "map", values: "long" } },
    {
      name: "u",
      type: ["null", "string", { type: "record", name: "Inner", fields: [{ name: "x", type: "int" }] }],
    },
  ],
};

const avroValues = [
  {
    n: null,
    b: true,
    i: 42,
    l: 1_700_000_000_000,
    f: 1.5,
    d: Math.PI,
    by: Buffer.from([1, 2, 3]),
    s: "hello",
    ts: new Date(1_700_000_000_123),
    dec: "12.345",
    decf: "99.5000",
    id: "123e4567-e89b-12d3-a456-426614174000",
    e: "GREEN",
    arr: [1, 2, 3],
    m: { a: 1 },
    u: "text",
  },
  {
    n: null,
    b: false,
    i: -2147483648,
    l: -(2n ** 60n) - 7n,
    f: -0.25,
    d: -1e-300,
    by: Buffer.from([255]),
    s: "héllo ✓ 🎉",
    ts: new Date(-1000),
    dec: "-1.270",
    decf: "-0.0001",
    id: "00000000-0000-4000-8000-000000000000",
    e: "RED",
    arr: [-1],
    m: { big: 2 ** 40 },
    u: { x: -5 },
  },
  {
    n: null,
    b: true,
    i: 2147483647,
    l: 2n ** 63n - 1n,
    f: 2 ** 34,
    d: 1.0e300,
    by: Buffer.alloc(0),
    s: "",
    ts: new Date(0),
    dec: "0.000",
    decf: "123456789.0123",
    id: "ffffffff-ffff-4fff-bfff-ffffffffffff",
    e: "RED",
    arr: [],
    m: {},
    u: null,
  },
  {
    n: null,
    b: false,
    i: 0,
    l: -(2n ** 63n),
    f: 0,
    d: 0,
    by: Buffer.from("AAEC", "base64"),
    s: "z".repeat(300),
    ts: new Date(253402300799999),
    dec: "9999999.999",
    decf: "-99999999999999.9999",
    id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    e: "GREEN",
    arr: [2147483647, -2147483648],
    m: { x: -(2 ** 52), y: 0 },
    u: "",
  },
];

const orderValues: { value: unknown; deterministic: boolean }[] = [
  {
    value: {
      id: "o-1",
      createdMs: 1_700_000_000_123,
      customer: { name: "Ada", address: { city: "London", country: "GB" } },
      lines: [
        { sku: "A", quantity: 2, unitPrice: 1.5 },
        { sku: "B", quantity: 1, unitPrice: 10.25 },
      ],
      labels: { channel: "web" },
      card: { last4: "4242", expiryMonth: -3 },
      status: 1,
      tags: [1, -2, 300],
      signature: Uint8Array.of(0, 1, 255),
      total: 13.25,
      gift: true,
    },
    deterministic: true,
  },
  {
    value: {
      id: "o-2",
      voucher: "SAVE10",
      labels: { a: "1", b: "2", c: "3" },
      status: "STATUS_SHIPPED",
      createdMs: -5,
    },
    deterministic: false,
  },
  {
    value: { id: "o-3", tags: [-2147483648, 2147483647], total: -0.5, status: "STATUS_PAID" },
    deterministic: true,
  },
];

/** The JSON form the Python script gives fastavro-decoded values (see canonical() there). */
function canonicalAvro(value: unknown): unknown {
  if (value instanceof Date) return { $ts: value.getTime() };
  if (Buffer.isBuffer(value)) return { $bytes: value.toString("hex") };
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : { $int: value.toString() };
  if (Array.isArray(value)) return value.map(canonicalAvro);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalAvro(v)]));
  }
  return value;
}

interface PythonResult {
  topic: string;
  offset: number;
  headers: Record<string, string>;
  valueHex: string;
  decoded: unknown;
  reserializedHex: string;
}

async function produce(serializer: Serializer, topic: string, values: unknown[]): Promise<Uint8Array[]> {
  const producer = createProducer({ url: `kafka://${kafkaAddress}`, serializer, lingerMs: 0 });
  try {
    for (const value of values) await producer.send({ topic, value });
  } finally {
    await producer.close();
  }
  // The same bytes, from the same serializer, for the byte comparison.
  return Promise.all(values.map(async (value) => serializer.serialize(value, { topic, headers: {} })));
}

describe("Confluent's Python client reads what Outbound writes to Kafka", { timeout: 60_000 }, () => {
  const registry = new MemorySchemaRegistry({ firstId: 101 });
  const avro = avroSerializer({ schema: everything, registry: { client: registry } });
  const plainString = avroSerializer({ schema: "string", registry: { client: registry } });
  const proto = (messageName: string) =>
    protobufSerializer({ protoFile, messageName, registry: { client: registry } });
  const order = proto("shop.v1.Order");
  const line = proto("shop.v1.Order.Line");
  const address = proto("shop.v1.Customer.Address");
  const phone = proto("shop.v1.Customer.Phone");
  const topics = {
    avro: topicName("avro"),
    string: topicName("string"),
    order: topicName("order"),
    line: topicName("line"),
    address: topicName("address"),
    phone: topicName("phone"),
  };
  const sent = new Map<string, { values: unknown[]; bytes: Uint8Array[] }>();
  let results: PythonResult[] = [];

  beforeAll(async () => {
    // Until this file joins the kafka vitest project (whose global setup does this), start Kafka here.
    await ensureBrokers(["kafka"]);
    const python = await ensurePythonEnv();
    const admin = new Kafka({ brokers: [kafkaAddress], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })) });
    await admin.disconnect();

    const batches: [Serializer, string, unknown[]][] = [
      [avro, topics.avro, avroValues],
      [plainString, topics.string, ["", "plain ✓"]],
      [order, topics.order, orderValues.map((o) => o.value)],
      [line, topics.line, [{ sku: "L-1", quantity: 3, unitPrice: 2.5 }]],
      [address, topics.address, [{ city: "Paris", country: "FR" }]],
      [phone, topics.phone, [{ number: "+33 1 23 45 67 89" }]],
    ];
    for (const [serializer, topic, values] of batches) {
      sent.set(topic, { values, bytes: await produce(serializer, topic, values) });
    }

    const idOf = (topic: string) => parseConfluentFrame(sent.get(topic)!.bytes[0]!).schemaId;
    const protoCase = (topic: string, messageName: string) => ({
      format: "protobuf",
      topic,
      schemaId: idOf(topic),
      protoFile,
      messageName,
      count: sent.get(topic)!.values.length,
    });
    const spec = {
      bootstrap: kafkaAddress,
      groupId: `xcheck-${run}`,
      timeoutSec: 60,
      cases: [
        {
          format: "avro",
          topic: topics.avro,
          schemaId: idOf(topics.avro),
          schema: new TextDecoder().decode(avro.pulsarSchema.data),
          count: 4,
        },
        { format: "avro", topic: topics.string, schemaId: idOf(topics.string), schema: '"string"', count: 2 },
        protoCase(topics.order, "shop.v1.Order"),
        protoCase(topics.line, "shop.v1.Order.Line"),
        protoCase(topics.address, "shop.v1.Customer.Address"),
        protoCase(topics.phone, "shop.v1.Customer.Phone"),
      ],
    };
    const specFile = join(tmpdir(), `outbound-xcheck-${run}.json`);
    writeFileSync(specFile, JSON.stringify(spec));
    results = (await runCrosscheck<{ results: PythonResult[] }>(python, specFile)).results;
  }, 600_000);

  const received = (topic: string) =>
    results.filter((r) => r.topic === topic).sort((a, b) => a.offset - b.offset);
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

  it("reads every message back", () => {
    expect(results).toHaveLength(4 + 2 + 3 + 1 + 1 + 1);
  });

  it("Avro: every primitive and logical type decodes to the value sent, and re-encodes to the same bytes", () => {
    const got = received(topics.avro);
    expect(got.map((r) => r.decoded)).toEqual(avroValues.map(canonicalAvro));
    expect(got.map((r) => r.valueHex)).toEqual(sent.get(topics.avro)!.bytes.map(hex));
    expect(got.map((r) => r.reserializedHex)).toEqual(got.map((r) => r.valueHex));
    expect(got.every((r) => r.headers["content-type"] === "application/avro")).toBe(true);

    const strings = received(topics.string);
    expect(strings.map((r) => r.decoded)).toEqual(["", "plain ✓"]);
    expect(strings.map((r) => r.reserializedHex)).toEqual(strings.map((r) => r.valueHex));
  });

  it("Protobuf: nested messages, oneof, maps and repeated fields decode to the value sent", () => {
    const got = received(topics.order);
    const type = order.type;
    const expected = orderValues.map(({ value }) =>
      type.toObject(type.fromObject(value as Record<string, unknown>), {
        longs: String,
        enums: String,
        bytes: String,
        json: true,
      }),
    );
    expect(got.map((r) => r.decoded)).toEqual(expected);
    expect(got.every((r) => r.headers["content-type"] === "application/x-protobuf")).toBe(true);
    expect(got.every((r) => r.headers["protobuf-message-type"] === "shop.v1.Order")).toBe(true);
    expect(received(topics.line)[0]?.decoded).toEqual({ sku: "L-1", quantity: 3, unitPrice: 2.5 });
    expect(received(topics.address)[0]?.decoded).toEqual({ city: "Paris", country: "FR" });
    expect(received(topics.phone)[0]?.decoded).toEqual({ number: "+33 1 23 45 67 89" });
  });

  it("Protobuf: Confluent's serializer writes the same bytes, message indexes included, where encoding is deterministic", () => {
    const got = received(topics.order);
    orderValues.forEach(({ deterministic }, index) => {
      if (deterministic) expect(got[index]?.reserializedHex).toBe(got[index]?.valueHex);
    });
    for (const [topic, indexes] of [
      [topics.line, "040002"], // Order.Line: [0, 1], after Order's LabelsEntry
      [topics.address, "040200"], // Customer.Address: [1, 0], declared before the map field
      [topics.phone, "040204"], // Customer.Phone: [1, 2], after LoyaltyPointsEntry
    ] as const) {
      const [result] = received(topic);
      expect(result?.valueHex).toBe(hex(sent.get(topic)!.bytes[0]!));
      expect(result?.valueHex.slice(10, 16)).toBe(indexes);
      expect(result?.reserializedHex).toBe(result?.valueHex);
    }
  });
});
