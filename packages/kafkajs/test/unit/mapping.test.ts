import { record as contractRecord } from "@outbound/contract";
import type { OutboundRecord, RecordBatch } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { toKafkaAcks, toKafkaMessage, toRecordResults } from "../../src/mapping.js";

function record(overrides: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord("t", overrides.value ?? new Uint8Array([0, 1, 2, 255]), {
    partition: 2,
    key: new TextEncoder().encode("k"),
    contentType: "application/json",
    timestamp: 1_700_000_000_123,
    ...overrides,
  });
}

describe("record to kafkajs message", () => {
  it("maps key, value, partition, timestamp as a string of ms and the content type header", () => {
    const message = toKafkaMessage(record());
    expect(message.key).toEqual(Buffer.from("k"));
    expect(message.value).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(message.partition).toBe(2);
    expect(message.timestamp).toBe("1700000000123");
    expect(message.headers).toEqual({ "content-type": "application/json" });
  });

  it("gives each record its own timestamp when consecutive records differ", () => {
    const stamps = [1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124.9, 1_700_000_000_123];
    expect(stamps.map((timestamp) => toKafkaMessage(record({ timestamp })).timestamp)).toEqual([
      "1700000000123",
      "1700000000123",
      "1700000000124",
      "1700000000123",
    ]);
  });

  it("leaves a user's message-id header alone, whatever its case", () => {
    const message = toKafkaMessage(record({ id: "order-1", headers: { "Message-ID": "mine" } }));
    expect(message.headers).toEqual({ "Message-ID": "mine", "content-type": "application/json" });
  });

  it("sends a null key for keyless records", () => {
    expect(toKafkaMessage(record({ key: undefined })).key).toBeNull();
  });

  it("keeps binary header values byte-exact and string headers as strings", () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x80]);
    const message = toKafkaMessage(record({ headers: { bin: bytes, text: "héllo" } }));
    expect(Buffer.isBuffer(message.headers?.bin)).toBe(true);
    expect([...(message.headers!.bin as Buffer)]).toEqual([0xff, 0x00, 0x80]);
    expect(message.headers?.text).toBe("héllo");
  });

  it("does not copy a subarray's neighbours", () => {
    const backing = new Uint8Array([9, 9, 1, 2, 9]);
    const message = toKafkaMessage(record({ value: backing.subarray(2, 4) }));
    expect([...(message.value as Buffer)]).toEqual([1, 2]);
  });

  it("carries the id as message-id, and leaves a user's own content-type header alone", () => {
    const message = toKafkaMessage(record({ id: "order-1", headers: { "Content-Type": "text/csv" } }));
    expect(message.headers?.["message-id"]).toBe("order-1");
    expect(message.headers?.["Content-Type"]).toBe("text/csv");
    expect(message.headers?.["content-type"]).toBeUndefined();
  });
});

describe("acks", () => {
  it("maps none, leader and all to 0, 1 and -1", () => {
    expect(toKafkaAcks("none")).toBe(0);
    expect(toKafkaAcks("leader")).toBe(1);
    expect(toKafkaAcks("all")).toBe(-1);
  });
});

describe("broker answer to record results", () => {
  const batch = (acks: RecordBatch["acks"]): RecordBatch => ({
    topic: "t",
    partition: 2,
    acks,
    records: [record(), record(), record()],
  });

  it("gives each record baseOffset + index, beyond 2^53 too", () => {
    const results = toRecordResults(batch("all"), [
      { topicName: "t", partition: 2, errorCode: 0, baseOffset: "9007199254740993", logAppendTime: "-1" },
    ]);
    expect(results.map((r) => r.ok && r.offset)).toEqual([
      "9007199254740993",
      "9007199254740994",
      "9007199254740995",
    ]);
    expect(
      results.every((r) => r.ok && r.acknowledged && r.partition === 2 && r.timestamp === 1_700_000_000_123),
    ).toBe(true);
  });

  it("counts offsets exactly across 2^53 and from small bases", () => {
    const three = batch("all");
    const near = toRecordResults(three, [
      { topicName: "t", partition: 2, errorCode: 0, baseOffset: "9007199254740990", logAppendTime: "-1" },
    ]);
    expect(near.map((r) => r.ok && r.offset)).toEqual([
      "9007199254740990",
      "9007199254740991",
      "9007199254740992",
    ]);
    const small = toRecordResults(three, [
      { topicName: "t", partition: 2, errorCode: 0, baseOffset: "41", logAppendTime: "-1" },
    ]);
    expect(small.map((r) => r.ok && r.offset)).toEqual(["41", "42", "43"]);
  });

  it("uses the broker's append time when the topic uses LogAppendTime", () => {
    const [first] = toRecordResults(batch("leader"), [
      { topicName: "t", partition: 2, errorCode: 0, baseOffset: "0", logAppendTime: "1800000000000" },
    ]);
    expect(first).toMatchObject({ ok: true, timestamp: 1_800_000_000_000 });
  });

  it("reports acks none as written but not acknowledged", () => {
    const results = toRecordResults(batch("none"), []);
    expect(results).toHaveLength(3);
    expect(results.every((r) => r.ok && r.acknowledged === false && r.offset === undefined)).toBe(true);
  });
});

describe("a produce response without the batch's partition", () => {
  it("is an unknown-outcome error, never a success", () => {
    const batch: RecordBatch = { topic: "t", partition: 1, acks: "all", records: [record({ partition: 1 })] };
    expect(() => toRecordResults(batch, [])).toThrowError(
      expect.objectContaining({ kind: "unknown-outcome" }),
    );
  });
});
