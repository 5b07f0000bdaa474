import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { avroSerializer } from "@outbound/avro";
import { protobufSerializer } from "@outbound/protobuf";
import type { PulsarSchemaInfo } from "@outbound/schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { ensureBrokers } from "../../../../tools/brokers/index.mjs";

/**
 * The `pulsarSchema` the serializers declare, checked against a real Pulsar broker's own schema
 * registry through its admin REST API: the broker validates and stores it, returns it unchanged,
 * and refuses an incompatible change. The Pulsar transport does not send schemas in its PRODUCER
 * command yet; when it does, this data is what it sends, and the producer-side test (schema read
 * back after a send, incompatible producer refused with a typed error) belongs in packages/pulsar.
 */

const admin = (endpoints() as { pulsarHttp: string }).pulsarHttp;
const protoFile = fileURLToPath(new URL("../../../protobuf/test/fixtures/shop.proto", import.meta.url));
const schemaUrl = (topic: string) => `${admin}/admin/v2/schemas/public/default/${topic}/schema`;

async function createTopic(): Promise<string> {
  const topic = `schema-${randomUUID().slice(0, 8)}`;
  const response = await fetch(`${admin}/admin/v2/persistent/public/default/${topic}`, { method: "PUT" });
  expect(response.status).toBe(204);
  return topic;
}

async function upload(topic: string, info: PulsarSchemaInfo): Promise<Response> {
  return fetch(schemaUrl(topic), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: info.type,
      schema: new TextDecoder().decode(info.data),
      properties: info.properties,
    }),
  });
}

async function stored(topic: string): Promise<{ type: string; data: string }> {
  const response = await fetch(schemaUrl(topic));
  expect(response.status).toBe(200);
  return (await response.json()) as { type: string; data: string };
}

describe("Pulsar's schema registry accepts the schemas the serializers declare", { timeout: 60_000 }, () => {
  let release: (() => void) | undefined;
  beforeAll(async () => {
    // Until this file joins the pulsar vitest project (whose global setup does this), start Pulsar here.
    await ensureBrokers(["pulsar"]);
    // The Pulsar package's restart and stall tests take the broker down; never run beside them.
    // Loaded by URL: a static import would pull another package's source into this one's typecheck.
    const lock = new URL("../../../pulsar/test/exclusive-broker.ts", import.meta.url).href;
    const { holdPulsarExclusively } = (await import(lock)) as {
      holdPulsarExclusively(): Promise<() => void>;
    };
    release = await holdPulsarExclusively();
  }, 900_000);
  afterAll(() => release?.());

  const orderSchema = {
    type: "record",
    name: "Order",
    namespace: "shop",
    fields: [
      { name: "id", type: { type: "string", logicalType: "uuid" } },
      { name: "at", type: { type: "long", logicalType: "timestamp-millis" } },
      { name: "total", type: { type: "bytes", logicalType: "decimal", precision: 9, scale: 2 } },
    ],
  };

  it("AVRO: stored as declared, logical types included", async () => {
    const topic = await createTopic();
    const info = avroSerializer({ schema: orderSchema }).pulsarSchema;
    expect((await upload(topic, info)).status).toBe(200);
    const schema = await stored(topic);
    expect(schema.type).toBe("AVRO");
    expect(JSON.parse(schema.data)).toEqual(JSON.parse(new TextDecoder().decode(info.data)));
    expect(JSON.parse(schema.data).fields[2].type).toEqual({
      type: "bytes",
      logicalType: "decimal",
      precision: 9,
      scale: 2,
    });
  });

  it("AVRO: an incompatible change is refused with 409 (what the transport must surface as a typed error)", async () => {
    const topic = await createTopic();
    expect((await upload(topic, avroSerializer({ schema: orderSchema }).pulsarSchema)).status).toBe(200);
    const changed = {
      ...orderSchema,
      fields: [...orderSchema.fields.slice(0, 2), { name: "total", type: "double" }],
    };
    const response = await upload(topic, avroSerializer({ schema: changed }).pulsarSchema);
    expect(response.status).toBe(409);
    expect(await response.text()).toMatch(/compatib/i);
  });

  it("PROTOBUF_NATIVE: the descriptor set validates and is stored with the root message", async () => {
    const topic = await createTopic();
    const info = protobufSerializer({ protoFile, messageName: "shop.v1.Order" }).pulsarSchema;
    expect((await upload(topic, info)).status).toBe(200);
    const schema = await stored(topic);
    expect(schema.type).toBe("PROTOBUF_NATIVE");
    const document = JSON.parse(schema.data);
    expect(document.rootMessageTypeName).toBe("shop.v1.Order");
    expect(document.fileDescriptorSet).toBe(
      JSON.parse(new TextDecoder().decode(info.data)).fileDescriptorSet,
    );
  });

  it("PROTOBUF_NATIVE: the broker does validate, so the acceptance above means something", async () => {
    const topic = await createTopic();
    const info = protobufSerializer({ protoFile, messageName: "shop.v1.Order" }).pulsarSchema;
    const document = JSON.parse(new TextDecoder().decode(info.data));
    const broken = {
      ...info,
      data: new TextEncoder().encode(JSON.stringify({ ...document, rootMessageTypeName: "shop.v1.Nope" })),
    };
    const response = await upload(topic, broken);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
