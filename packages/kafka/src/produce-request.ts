import {
  produceV3,
  produceV4,
  produceV5,
  produceV6,
  produceV7,
  produceV8,
  produceV9,
  produceV10,
  produceV11,
  Writer,
} from "@platformatic/kafka";

/** Produce versions the transport speaks: v3 (record batches, Kafka 0.11) to v11. */
export const PRODUCE_VERSIONS = { min: 3, max: 11 } as const;

/** Flexible versions (KIP-482) use compact strings and arrays and carry tagged fields. */
const FIRST_FLEXIBLE_VERSION = 9;

/** One partition's encoded record batch inside a Produce request. */
export interface PartitionPayload {
  topic: string;
  partition: number;
  records: Buffer;
}

/** What the broker answered for one partition. */
export interface PartitionAnswer {
  topic: string;
  partition: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  errorMessage: string | null;
}

type ResponseParser = (typeof produceV11)["parseResponse"];

const PARSERS: Record<number, ResponseParser> = {
  3: produceV3.parseResponse as ResponseParser,
  4: produceV4.parseResponse as ResponseParser,
  5: produceV5.parseResponse as ResponseParser,
  6: produceV6.parseResponse as ResponseParser,
  7: produceV7.parseResponse as ResponseParser,
  8: produceV8.parseResponse as ResponseParser,
  9: produceV9.parseResponse as ResponseParser,
  10: produceV10.parseResponse as ResponseParser,
  11: produceV11.parseResponse,
};

/** The client's parser for a Produce response version. */
export function produceResponseParser(version: number): ResponseParser {
  const parser = PARSERS[version];
  if (!parser) throw new Error(`no Produce v${version} parser`);
  return parser;
}

export function isFlexible(version: number): boolean {
  return version >= FIRST_FLEXIBLE_VERSION;
}

function uvarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value >>>= 7;
    size++;
  }
  return size;
}

function writeUvarint(buffer: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    buffer[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buffer[offset++] = value;
  return offset;
}

/**
 * The body of a Produce request (after the request header) with one record batch per partition,
 * grouped by topic, for `version`. The fields around the batches are written into one small
 * buffer, and the writer holds slices of it with the encoded batches between them, by
 * reference: the connection joins them with the request header in its one copy, so a batch's
 * bytes are not copied here too (a whole extra copy per request otherwise).
 */
export function encodeProduceRequest(
  version: number,
  transactionalId: string | undefined,
  acks: number,
  timeoutMs: number,
  payloads: readonly PartitionPayload[],
): Writer {
  const flexible = isFlexible(version);
  const byTopic = new Map<string, { name: Buffer; partitions: PartitionPayload[] }>();
  for (const payload of payloads) {
    let entry = byTopic.get(payload.topic);
    if (!entry) {
      entry = { name: Buffer.from(payload.topic, "utf8"), partitions: [] };
      byTopic.set(payload.topic, entry);
    }
    entry.partitions.push(payload);
  }
  const txn = transactionalId === undefined ? undefined : Buffer.from(transactionalId, "utf8");

  // Sizes first, so the fields are one allocation.
  let size = flexible
    ? uvarintSize(txn ? txn.byteLength + 1 : 0) + (txn?.byteLength ?? 0)
    : 2 + (txn?.byteLength ?? 0);
  size += 2 + 4;
  size += flexible ? uvarintSize(byTopic.size + 1) : 4;
  for (const { name, partitions } of byTopic.values()) {
    size += flexible ? uvarintSize(name.byteLength + 1) + name.byteLength : 2 + name.byteLength;
    size += flexible ? uvarintSize(partitions.length + 1) : 4;
    for (const p of partitions) {
      size += 4;
      size += flexible ? uvarintSize(p.records.byteLength + 1) : 4;
      if (flexible) size += 1; // partition tagged fields
    }
    if (flexible) size += 1; // topic tagged fields
  }
  if (flexible) size += 1; // request tagged fields

  const buffer = Buffer.allocUnsafe(size);
  const writer = Writer.create();
  let offset = 0;
  let written = 0; // where the part of `buffer` not yet handed to the writer starts
  if (flexible) {
    offset = writeUvarint(buffer, offset, txn ? txn.byteLength + 1 : 0);
  } else {
    offset = buffer.writeInt16BE(txn ? txn.byteLength : -1, offset);
  }
  if (txn) {
    buffer.set(txn, offset);
    offset += txn.byteLength;
  }
  offset = buffer.writeInt16BE(acks, offset);
  offset = buffer.writeInt32BE(timeoutMs, offset);
  offset = flexible
    ? writeUvarint(buffer, offset, byTopic.size + 1)
    : buffer.writeInt32BE(byTopic.size, offset);
  for (const { name, partitions } of byTopic.values()) {
    offset = flexible
      ? writeUvarint(buffer, offset, name.byteLength + 1)
      : buffer.writeInt16BE(name.byteLength, offset);
    buffer.set(name, offset);
    offset += name.byteLength;
    offset = flexible
      ? writeUvarint(buffer, offset, partitions.length + 1)
      : buffer.writeInt32BE(partitions.length, offset);
    for (const p of partitions) {
      offset = buffer.writeInt32BE(p.partition, offset);
      offset = flexible
        ? writeUvarint(buffer, offset, p.records.byteLength + 1)
        : buffer.writeInt32BE(p.records.byteLength, offset);
      writer.append(buffer.subarray(written, offset)).append(p.records);
      written = offset;
      if (flexible) buffer[offset++] = 0;
    }
    if (flexible) buffer[offset++] = 0;
  }
  if (flexible) buffer[offset++] = 0;

  writer.append(buffer.subarray(written, offset));
  // acks 0: the broker sends no response, so the connection must not wait for one.
  if (acks === 0) writer.context.noResponse = true;
  return writer;
}

/** The partition answers of a parsed Produce response. */
export function partitionAnswers(response: {
  responses: { name: string; partitionResponses: unknown[] }[];
}): PartitionAnswer[] {
  const answers: PartitionAnswer[] = [];
  for (const topic of response.responses) {
    for (const raw of topic.partitionResponses) {
      const p = raw as {
        index: number;
        errorCode: number;
        baseOffset: bigint;
        logAppendTimeMs?: bigint;
        errorMessage?: string | null;
      };
      answers.push({
        topic: topic.name,
        partition: p.index,
        errorCode: p.errorCode,
        baseOffset: p.baseOffset,
        logAppendTimeMs: p.logAppendTimeMs ?? -1n,
        errorMessage: p.errorMessage ?? null,
      });
    }
  }
  return answers;
}
