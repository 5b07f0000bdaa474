import { avroSerializer } from "@outbound/avro";
import { createProducer, OutboundError, type Serializer } from "@outbound/core";
import { protobufSerializer } from "@outbound/protobuf";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import { pulsarAdmin } from "./admin.js";
import { holdPulsarExclusively } from "./exclusive-broker.js";
import { batchOf, context, record, testTransport, uniqueTopic } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

/**
 * The producer declares its serializer's schema in PRODUCER; the broker stores it in its own
 * schema registry, read back here through the admin REST API (not through our client), and
 * refuses an incompatible change with IncompatibleSchema.
 */

interface StoredSchema {
  version: number;
  type: string;
  data: string;
  properties: Record<string, string>;
}

async function storedSchema(topic: string): Promise<StoredSchema | undefined> {
  const response = await fetch(`${endpoints().pulsarHttp}/admin/v2/schemas/public/default/${topic}/schema`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return (await response.json()) as StoredSchema;
}

const orderV1 = {
  type: "record",
  name: "Order",
  namespace: "shop",
  fields: [
    { name: "id", type: "string" },
    { name: "total", type: "double" },
  ],
};

const orderProto = protobuf.parse(`
syntax = "proto3";
package shop.v2;
message Parcel {
  string id = 1;
  repeated string items = 2;
}
`).root;

let release: () => void = () => {};
beforeAll(async () => {
  release = await holdPulsarExclusively();
}, 16 * 60_000);
afterAll(() => release());

describe("Pulsar schemas declared by the producer", { timeout: 60_000 }, () => {
  const probe = createPulsarProbe();
  const admin = pulsarAdmin();
  afterAll(() => probe.close());

  async function produce<V>(serializer: Serializer<V>, topic: string, values: V[]) {
    const producer = createProducer({ transport: testTransport(), serializer, lingerMs: 0 });
    try {
      return await Promise.allSettled(values.map((value) => producer.send({ topic, value })));
    } finally {
      await producer.close();
    }
  }

  it("AVRO: the broker stores the serializer's schema, and the bytes read back are the Avro body", async () => {
    const topic = uniqueTopic("schema-avro");
    const serializer = avroSerializer({ schema: orderV1 });
    const sent = await produce(serializer, topic, [{ id: "a-1", total: 12.5 }]);
    expect(sent.map((s) => s.status)).toEqual(["fulfilled"]);

    const schema = await storedSchema(topic);
    expect(schema?.type).toBe("AVRO");
    // Stored as declared: avsc's canonical JSON of the schema, the name fully qualified.
    expect(JSON.parse(schema?.data ?? "null")).toEqual(
      JSON.parse(new TextDecoder().decode(serializer.schema?.data)),
    );
    expect(JSON.parse(schema?.data ?? "null").name).toBe("shop.Order");

    const [message] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(message).toBeDefined();
    expect(serializer.type.fromBuffer(Buffer.from(message?.value ?? []))).toEqual({ id: "a-1", total: 12.5 });
  });

  it("PROTOBUF_NATIVE: the descriptor set and root message name are stored", async () => {
    const topic = uniqueTopic("schema-proto");
    const serializer = protobufSerializer({ root: orderProto, messageName: "shop.v2.Parcel" });
    const sent = await produce(serializer, topic, [{ id: "p-1", items: ["x", "y"] }]);
    expect(sent.map((s) => s.status)).toEqual(["fulfilled"]);

    const schema = await storedSchema(topic);
    expect(schema?.type).toBe("PROTOBUF_NATIVE");
    const document = JSON.parse(schema?.data ?? "{}") as { rootMessageTypeName?: string };
    expect(document.rootMessageTypeName).toBe("shop.v2.Parcel");

    const [message] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    const decoded = serializer.type.toObject(serializer.type.decode(message?.value ?? new Uint8Array()));
    expect(decoded).toEqual({ id: "p-1", items: ["x", "y"] });
  });

  it("a new required field without default is refused: terminal REJECTED naming the topic, nothing stored", async () => {
    const topic = uniqueTopic("schema-incompatible");
    expect(
      (await produce(avroSerializer({ schema: orderV1 }), topic, [{ id: "a", total: 1 }]))[0]?.status,
    ).toBe("fulfilled");
    const before = await storedSchema(topic);
    expect(before?.version).toBe(0);

    // Under the namespace's default compatibility (FULL on a standalone broker), a field that v1
    // data cannot fill is not backward compatible.
    const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: "currency", type: "string" }] };
    const started = Date.now();
    const [result] = await produce(avroSerializer({ schema: orderV2 }), topic, [
      { id: "b", total: 2, currency: "EUR" },
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result?.status).toBe("rejected");
    const error = (result as PromiseRejectedResult).reason as OutboundError;
    expect(error).toBeInstanceOf(OutboundError);
    expect(error.code).toBe("REJECTED");
    expect(error.kind).toBe("terminal");
    expect(error.brokerCode).toBe("IncompatibleSchema");
    expect(error.message).toContain(`persistent://public/default/${topic}`);

    // The broker kept v1 only, and only the v1 message arrived.
    expect((await storedSchema(topic))?.version).toBe(0);
    const read = await probe.read(topic, { count: 2, timeoutMs: 3_000 });
    expect(read).toHaveLength(1);
  });

  it("a compatible change (new field with a default) becomes version 1", async () => {
    const topic = uniqueTopic("schema-evolve");
    await produce(avroSerializer({ schema: orderV1 }), topic, [{ id: "a", total: 1 }]);
    const orderV2 = {
      ...orderV1,
      fields: [...orderV1.fields, { name: "currency", type: "string", default: "EUR" }],
    };
    const [result] = await produce(avroSerializer({ schema: orderV2 }), topic, [
      { id: "b", total: 2, currency: "USD" },
    ]);
    expect(result?.status).toBe("fulfilled");
    expect((await storedSchema(topic))?.version).toBe(1);
  });

  it("a batch whose schema differs from its topic's producer fails clearly instead of going out mislabelled", async () => {
    const topic = uniqueTopic("schema-switch");
    await admin.createTopic("public/default", topic, 0);
    const transport = testTransport();
    try {
      const avro = avroSerializer({ schema: orderV1 });
      const value = await avro.serialize({ id: "a", total: 1 }, { topic, headers: {} });
      const first = await transport.send(
        { ...batchOf([record(topic, "", { value })]), schema: avro.schema },
        context(),
      );
      expect(first[0]?.ok).toBe(true);

      const other = await transport.send(batchOf([record(topic, "plain bytes")]), context());
      expect(other[0]?.ok).toBe(false);
      const error = (other[0] as { error: OutboundError }).error;
      expect(error.code).toBe("UNSUPPORTED_FEATURE");
      expect(error.kind).toBe("terminal");
      expect(error.message).toContain(topic);
    } finally {
      await transport.close();
    }
    const read = await probe.read(topic, { count: 2, timeoutMs: 3_000 });
    expect(read).toHaveLength(1);
  });
});
