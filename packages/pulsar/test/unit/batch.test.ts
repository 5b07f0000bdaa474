import { randomBytes } from "node:crypto";
import type { Writer } from "protobufjs";
import { describe, expect, it } from "vitest";
import {
  type BatchEntry,
  BatchPayload,
  CommandType,
  decodeBatchPayload,
  decodeFrame,
  encodeBatchPayload,
  encodePayloadCommand,
  longToString,
  proto,
  type SingleMessageFields,
} from "../../src/protocol/index.js";

/** The batch as protobufjs writes it: the reference the hand-written encoder must match byte for byte. */
function referenceBatch(entries: readonly BatchEntry[], firstSequenceId: number): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, i) => {
    const value = { ...entry.metadata, payload_size: entry.payload.length, sequence_id: firstSequenceId + i };
    const meta = (proto.SingleMessageMetadata.encode(value) as Writer).finish();
    const size = Buffer.alloc(4);
    size.writeUInt32BE(meta.length);
    parts.push(size, Buffer.from(meta), Buffer.from(entry.payload));
  });
  return Buffer.concat(parts);
}

const TEXTS = [
  "",
  "a",
  "content-type",
  "application/octet-stream",
  "ünïcödé ✓",
  "𝄞 clef",
  "x".repeat(70),
  "é".repeat(200),
];
const SHARED = [
  { key: "content-type", value: "application/octet-stream" },
  { key: "ü", value: "é".repeat(100) },
];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function randomFields(): SingleMessageFields {
  const fields: SingleMessageFields = {};
  if (Math.random() < 0.8) {
    const count = Math.floor(Math.random() * 4);
    // Some property objects are shared between messages, as mapping shares the content type's.
    fields.properties = Array.from({ length: count }, () =>
      Math.random() < 0.4 ? pick(SHARED) : { key: pick(TEXTS), value: pick(TEXTS) },
    );
  }
  if (Math.random() < 0.5) fields.partition_key = pick(TEXTS);
  if (Math.random() < 0.5)
    fields.event_time = pick([0, 1, 127, 128, 2 ** 31, 2 ** 32 + 5, Date.now(), 2 ** 53 - 1]);
  if (Math.random() < 0.3) fields.partition_key_b64_encoded = Math.random() < 0.5;
  if (Math.random() < 0.3) fields.ordering_key = randomBytes(Math.floor(Math.random() * 300));
  return fields;
}

describe("BatchPayload", () => {
  it("writes what protobufjs writes, for random metadata, payloads and sequence ids", () => {
    for (let round = 0; round < 200; round++) {
      const entries: BatchEntry[] = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => ({
        metadata: randomFields(),
        payload: randomBytes(pick([0, 1, 100, 200, 20_000])),
      }));
      const first = pick([0, 1, 126, 127, 16_383, 2 ** 32 - 2, 2 ** 40]);
      const batch = new BatchPayload(entries, first);
      const expected = referenceBatch(entries, first);
      expect(batch.length).toBe(expected.length);
      expect(batch.toBuffer().equals(expected), `round ${round}`).toBe(true);
    }
  });

  it("decodes back to the fields it was given", () => {
    const entries: BatchEntry[] = [
      {
        metadata: {
          properties: [{ key: "ü", value: "𝄞" }],
          partition_key: "a2V5",
          partition_key_b64_encoded: true,
          ordering_key: Buffer.from([0xff, 0]),
          event_time: 1_700_000_000_123,
        },
        payload: Buffer.from("one"),
      },
      { metadata: {}, payload: Buffer.alloc(0) },
    ];
    const [a, b] = decodeBatchPayload(encodeBatchPayload(entries, 2 ** 33), 2);
    expect(a?.metadata.properties).toEqual([{ key: "ü", value: "𝄞" }]);
    expect(a?.metadata.partition_key_b64_encoded).toBe(true);
    expect(Buffer.from(a?.metadata.ordering_key).toString("hex")).toBe("ff00");
    expect(longToString(a?.metadata.event_time)).toBe("1700000000123");
    expect(longToString(a?.metadata.sequence_id)).toBe(String(2 ** 33));
    expect(longToString(b?.metadata.sequence_id)).toBe(String(2 ** 33 + 1));
    expect(b?.payload.length).toBe(0);
  });

  it("goes into a SEND frame with the same bytes and checksum as the batch in a buffer of its own", () => {
    const entries: BatchEntry[] = Array.from({ length: 50 }, (_, i) => ({
      metadata: { properties: [{ key: "content-type", value: "application/octet-stream" }], event_time: i },
      payload: randomBytes(100),
    }));
    const command = { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 9, num_messages: 50 } };
    const metadata = { producer_name: "p", sequence_id: 9, publish_time: 1, num_messages_in_batch: 50 };
    const direct = encodePayloadCommand(command, metadata, new BatchPayload(entries, 9));
    const copied = encodePayloadCommand(command, metadata, encodeBatchPayload(entries, 9));
    expect(direct.equals(copied)).toBe(true);
    const decoded = decodeFrame(direct);
    expect(decodeBatchPayload(decoded.payload?.data as Buffer, 50)).toHaveLength(50);
  });
});
