import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Producer } from "@outbound/core";
import { expect, it } from "vitest";
import { asText, hex } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { installNote, loadOptional } from "../optional-module.js";
import type { ProbedMessage } from "../probe.js";

const ORDER_AVRO = {
  type: "record",
  name: "Order",
  namespace: "contract.v1",
  fields: [
    { name: "id", type: "string" },
    { name: "cents", type: "long" },
    { name: "placedAt", type: { type: "long", logicalType: "timestamp-millis" } },
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
    { name: "note", type: ["null", "string"], default: null },
  ],
};

const ORDER_PROTO = `
syntax = "proto3";
package contract.v1;
message Order {
  string id = 1;
  int64 cents = 2;
  repeated Line lines = 3;
  oneof payment { string card = 4; string invoice = 5; }
  message Line { string sku = 1; int32 qty = 2; }
}
`;

/** A Confluent frame: magic 0, schema id, then the rest. */
function schemaIdOf(bytes: Uint8Array): number {
  expect(bytes[0]).toBe(0);
  return Buffer.from(bytes).readUInt32BE(1);
}

/**
 * Sends `values` (keyed on transports whose keys are FIFO groups), requires every send to
 * succeed, and returns what the broker holds, in send order.
 */
async function sendAndReadBack(
  ctx: ContractContext,
  producer: Producer,
  topic: string,
  values: readonly unknown[],
): Promise<ProbedMessage[]> {
  const keyed = ctx.capabilities.keyOrdering === "group";
  const settled = await producer.sendMany(
    values.map((value, i) => ({ topic, value, ...(keyed ? { key: `g${i}` } : {}) })),
  );
  expect(settled.map((s) => (s.status === "rejected" ? s.reason.message : "ok"))).toEqual(
    values.map(() => "ok"),
  );
  const arrived = await ctx.read(topic, values.length);
  expect(arrived).toHaveLength(values.length);
  return arrived;
}

/**
 * Schema fidelity: Avro and Protobuf values, framed for a schema registry, arrive byte for
 * byte on this broker and decode to what was sent; the content type travels with them.
 */
export function schemaFidelityTests(ctx: ContractContext): void {
  it("Avro values in the schema-registry wire format arrive byte-exact and decode to what was sent", async ({
    skip,
  }) => {
    // Optional dependencies of the suite: a transport without them still runs every other group.
    const avro = await loadOptional(() => import("@outbound/avro"), "@outbound/avro");
    if (!avro) return skip(installNote("@outbound/avro"));
    const { AVRO_CONTENT_TYPE, avroSerializer } = avro;
    const topic = await ctx.topic({ partitions: 1 });
    const serializer = avroSerializer({ schema: ORDER_AVRO, registry: { schemaId: 4242 } });
    const producer = await ctx.producer({ serializer });
    const orders = [
      {
        id: "o-1",
        cents: 1999,
        placedAt: new Date(Date.UTC(2026, 10, 26, 9, 30)),
        lines: [{ sku: "A", qty: 2 }],
        note: null,
      },
      { id: "o-2 ünïcødé", cents: 9_007_199_254_740_991, placedAt: new Date(0), lines: [], note: "gift" },
    ];
    for (const [i, probed] of (await sendAndReadBack(ctx, producer, topic, orders)).entries()) {
      const expected = serializer.serialize(orders[i]!, { topic, headers: {} }) as Uint8Array;
      expect(hex(probed.value)).toBe(hex(expected));
      expect(schemaIdOf(probed.value)).toBe(4242);
      expect(serializer.type.fromBuffer(Buffer.from(probed.value.subarray(5)))).toEqual(orders[i]);
      const contentType = probed.contentType ?? asText(probed.headers["content-type"] ?? "");
      expect(contentType).toBe(AVRO_CONTENT_TYPE);
    }
  });

  it("Protobuf values (nested, repeated, oneof) in the wire format arrive byte-exact with their message-type header", async ({
    skip,
  }) => {
    const protobuf = await loadOptional(() => import("@outbound/protobuf"), "@outbound/protobuf");
    if (!protobuf) return skip(installNote("@outbound/protobuf"));
    const { PROTOBUF_CONTENT_TYPE, PROTOBUF_MESSAGE_TYPE_HEADER, protobufSerializer } = protobuf;
    const topic = await ctx.topic({ partitions: 1 });
    const dir = mkdtempSync(join(tmpdir(), "outbound-contract-proto-"));
    const protoFile = join(dir, "order.proto");
    writeFileSync(protoFile, ORDER_PROTO);
    const serializer = protobufSerializer({
      protoFile,
      messageName: "contract.v1.Order",
      registry: { schemaId: 4343 },
    });
    const producer = await ctx.producer({ serializer });
    const orders = [
      {
        id: "p-1",
        cents: 1999,
        lines: [
          { sku: "A", qty: 2 },
          { sku: "B", qty: 1 },
        ],
        card: "visa",
      },
      { id: "p-2", cents: 0, lines: [], invoice: "INV-7" },
    ];
    for (const [i, probed] of (await sendAndReadBack(ctx, producer, topic, orders)).entries()) {
      const expected = serializer.serialize(orders[i]!, { topic, headers: {} }) as Uint8Array;
      expect(hex(probed.value)).toBe(hex(expected));
      expect(schemaIdOf(probed.value)).toBe(4343);
      // Message indexes [0] are written as the single byte 0, then the body.
      expect(probed.value[5]).toBe(0);
      const decoded = serializer.type.toObject(serializer.type.decode(probed.value.subarray(6)), {
        longs: String,
        oneofs: false,
        defaults: false,
      });
      expect(decoded.id).toBe(orders[i]!.id);
      expect(decoded.lines ?? []).toEqual(orders[i]!.lines);
      expect(asText(probed.headers[PROTOBUF_MESSAGE_TYPE_HEADER] ?? "")).toBe("contract.v1.Order");
      const contentType = probed.contentType ?? asText(probed.headers["content-type"] ?? "");
      expect(contentType).toBe(PROTOBUF_CONTENT_TYPE);
    }
  });
}
