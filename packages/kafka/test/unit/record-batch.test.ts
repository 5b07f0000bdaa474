import { record as contractRecord } from "@outbound/contract";
import type { OutboundRecord } from "@outbound/core";
import { crc32c, Reader, readRecordsBatch } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { codecFor } from "../../src/compression.js";
import { encodeProduceRequest } from "../../src/produce-request.js";
import { encodeRecordBatch, NO_IDENTITY } from "../../src/record-batch.js";

const encoder = new TextEncoder();

function record(value: string, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord("t", value, { contentType: "", timestamp: 1_700_000_000_000, ...extra });
}

/** Decoded with the client's own reader: an independent implementation of the same format. */
function decode(batch: Buffer) {
  return readRecordsBatch(Reader.from(batch)) as unknown as {
    magic: number;
    crc: number;
    attributes: number;
    lastOffsetDelta: number;
    firstTimestamp: bigint;
    maxTimestamp: bigint;
    producerId: bigint;
    producerEpoch: number;
    firstSequence: number;
    records: {
      timestampDelta: bigint;
      offsetDelta: number;
      key: Buffer | null;
      value: Buffer;
      headers: [Buffer, Buffer][];
    }[];
  };
}

describe("record batch encoding (Kafka v2 format)", () => {
  it("writes what another decoder reads: keys, values, headers, deltas, identity, CRC", () => {
    const records = [
      record("a", {
        key: encoder.encode("k1"),
        headers: { h: "x", bin: new Uint8Array([0, 255]) },
        contentType: "text/plain",
        id: "id-1",
      }),
      record("", { timestamp: 1_700_000_000_500 }),
      record("ccc", { timestamp: 1_000 }),
    ];
    const batch = encodeRecordBatch(
      records,
      { producerId: 42n, producerEpoch: 3, baseSequence: 17, transactional: true },
      undefined,
    );
    const decoded = decode(batch);
    expect(decoded.magic).toBe(2);
    expect(decoded.crc).toBe(crc32c(batch.subarray(21)) >>> 0);
    expect(decoded.attributes & 0x10).toBe(0x10);
    expect(decoded).toMatchObject({
      lastOffsetDelta: 2,
      producerId: 42n,
      producerEpoch: 3,
      firstSequence: 17,
    });
    expect(decoded.firstTimestamp).toBe(1_700_000_000_000n);
    expect(decoded.maxTimestamp).toBe(1_700_000_000_500n);
    const [first, second, third] = decoded.records;
    expect(first?.key?.toString()).toBe("k1");
    expect(first?.value.toString()).toBe("a");
    expect(first?.headers.map(([k, v]) => [k.toString(), [...v]])).toEqual([
      ["h", [...Buffer.from("x")]],
      ["bin", [0, 255]],
      ["content-type", [...Buffer.from("text/plain")]],
      ["message-id", [...Buffer.from("id-1")]],
    ]);
    expect(second?.key).toBeNull();
    expect(second?.value.byteLength).toBe(0);
    expect(second?.timestampDelta).toBe(500n);
    expect(third?.offsetDelta).toBe(2);
    // A delta far beyond 32 bits, negative: written as a varlong.
    expect(third?.timestampDelta).toBe(1_000n - 1_700_000_000_000n);
  });

  it("a user header named like Outbound's wins over it", () => {
    const batch = encodeRecordBatch(
      [record("v", { headers: { "Content-Type": "mine" }, contentType: "text/plain" })],
      NO_IDENTITY,
      undefined,
    );
    const headers = decode(batch).records[0]!.headers.map(([k, v]) => `${k}=${v}`);
    expect(headers).toEqual(["Content-Type=mine"]);
  });

  it.each(["gzip", "snappy", "lz4", "zstd"] as const)(
    "%s: the compressed batch decodes to the same records",
    (compression) => {
      const records = Array.from({ length: 20 }, (_, i) => record(`value ${i} `.repeat(20)));
      const decoded = decode(encodeRecordBatch(records, NO_IDENTITY, codecFor(compression)));
      expect(decoded.attributes & 0x7).toBe(codecFor(compression)!.attribute);
      expect(decoded.records.map((r) => r.value.toString())).toEqual(
        records.map((r) => Buffer.from(r.value).toString()),
      );
    },
  );

  it("marks a batch without a producer as such (-1 id, epoch, sequence)", () => {
    expect(decode(encodeRecordBatch([record("v")], NO_IDENTITY, undefined))).toMatchObject({
      producerId: -1n,
      producerEpoch: -1,
      firstSequence: -1,
    });
  });
});

describe("Produce request encoding", () => {
  // The layout from the protocol's message definitions, written out field by field; the broker
  // integration tests show brokers accept it (v11 on Kafka 4.4).
  it.each([3, 11])("v%i lays the fields out as the protocol defines them", (version) => {
    const records = [record("a"), record("b")];
    const batch = encodeRecordBatch(records, NO_IDENTITY, undefined);
    const ours = encodeProduceRequest(version, "tx-1", -1, 5000, [
      { topic: "t", partition: 2, records: batch },
      { topic: "u", partition: 0, records: batch },
    ]).buffer;
    const flexible = version >= 9;
    const parts: Buffer[] = [];
    const int16 = (n: number) => {
      const b = Buffer.alloc(2);
      b.writeInt16BE(n);
      return b;
    };
    const int32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const uvar = (n: number) => Buffer.from([n]);
    const str = (s: string) =>
      flexible
        ? Buffer.concat([uvar(s.length + 1), Buffer.from(s)])
        : Buffer.concat([int16(s.length), Buffer.from(s)]);
    parts.push(str("tx-1"), int16(-1), int32(5000), flexible ? uvar(3) : int32(2));
    for (const [topic, partition] of [
      ["t", 2],
      ["u", 0],
    ] as const) {
      parts.push(str(topic), flexible ? uvar(2) : int32(1), int32(partition));
      parts.push(flexible ? Buffer.from([batch.byteLength + 1]) : int32(batch.byteLength), batch);
      if (flexible) parts.push(uvar(0), uvar(0));
    }
    if (flexible) parts.push(uvar(0));
    expect(ours.equals(Buffer.concat(parts))).toBe(true);
  });
});
