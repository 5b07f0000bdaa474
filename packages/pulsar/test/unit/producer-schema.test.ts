import type { SchemaDeclaration } from "@outbound/core";
import { OutboundError } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { producerSchemaField, sameSchema } from "../../src/client/producer-schema.js";
import { CommandType, proto } from "../../src/protocol/index.js";

const avro: SchemaDeclaration = { type: "AVRO", name: "n", data: new Uint8Array([1]), properties: {} };

describe("the Schema in PRODUCER", () => {
  it("encodes as field 7 with name=1, schema_data=3, type=4 (AVRO = 4)", () => {
    const schema = producerSchemaField(avro, "t");
    const bytes = proto.BaseCommand.encode({
      type: CommandType.PRODUCER,
      producer: { topic: "t", producer_id: 1, request_id: 2, schema },
    }).finish();
    // 0x3a = field 7, length-delimited; then name "n", schema_data [1], type 4.
    expect(Buffer.from(bytes).toString("hex")).toContain("3a080a016e1a01012004");
  });

  it("maps PROTOBUF_NATIVE to 20 and carries properties", () => {
    const field = producerSchemaField({ ...avro, type: "PROTOBUF_NATIVE", properties: { a: "b" } }, "t");
    expect(field).toMatchObject({ type: 20, properties: [{ key: "a", value: "b" }] });
  });

  it("sends nothing for BYTES or no schema, and refuses an unknown type by name", () => {
    expect(producerSchemaField(undefined, "t")).toBeUndefined();
    expect(producerSchemaField({ ...avro, type: "BYTES" }, "t")).toBeUndefined();
    const error = producerSchemaField({ ...avro, type: "XML" }, "my-topic");
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).code).toBe("UNSUPPORTED_FEATURE");
    expect((error as OutboundError).message).toContain("my-topic");
  });

  it("compares declarations by content", () => {
    expect(sameSchema(avro, { ...avro, data: new Uint8Array([1]) })).toBe(true);
    expect(sameSchema(avro, { ...avro, data: new Uint8Array([2]) })).toBe(false);
    expect(sameSchema(avro, { ...avro, properties: { x: "y" } })).toBe(false);
    expect(sameSchema(undefined, { ...avro, type: "BYTES" })).toBe(true);
    expect(sameSchema(undefined, avro)).toBe(false);
  });
});
