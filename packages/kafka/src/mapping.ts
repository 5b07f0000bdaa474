import {
  type Acks,
  OutboundError,
  type OutboundRecord,
  type RecordBatch,
  type RecordResult,
} from "@outbound/core";
import type { IHeaders, Message, RecordMetadata } from "kafkajs";

/** The record header that carries the serializer's content type. */
export const CONTENT_TYPE_HEADER = "content-type";
/** The record header that carries a message's `id`, as the other transports' `message-id`. */
export const MESSAGE_ID_HEADER = "message-id";

/** Kafka's `acks` for each Outbound level: 0 = fire and forget, 1 = leader, -1 = all in-sync replicas. */
export function toKafkaAcks(acks: Acks): 0 | 1 | -1 {
  switch (acks) {
    case "none":
      return 0;
    case "leader":
      return 1;
    case "all":
      return -1;
  }
}

/** A Buffer over the same memory, so large values are not copied. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * The kafkajs message for a record, with its explicit partition (the engine partitions).
 * The content type and id travel as headers unless the user already set a header of that
 * name: an explicit header is the user's decision.
 */
export function toKafkaMessage(record: OutboundRecord): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers)) {
    headers[name] = typeof value === "string" ? value : asBuffer(value);
  }
  if (record.contentType && !hasHeader(headers, CONTENT_TYPE_HEADER))
    headers[CONTENT_TYPE_HEADER] = record.contentType;
  if (record.id !== undefined && !hasHeader(headers, MESSAGE_ID_HEADER))
    headers[MESSAGE_ID_HEADER] = record.id;
  return {
    key: record.key === undefined ? null : asBuffer(record.key),
    value: asBuffer(record.value),
    partition: record.partition,
    headers,
    timestamp: String(Math.trunc(record.timestamp)),
  };
}

/**
 * One result per record from the broker's answer for the batch's partition. Kafka assigns
 * consecutive offsets inside a batch, so record `i` sits at `baseOffset + i`.
 * With acks 0 the broker sends no answer: the records were written, nothing more is known.
 */
export function toRecordResults(batch: RecordBatch, metadata: RecordMetadata[]): RecordResult[] {
  if (batch.acks === "none") {
    return batch.records.map(() => ({ ok: true, partition: batch.partition, acknowledged: false }));
  }
  const answer = metadata.find((m) => m.topicName === batch.topic && m.partition === batch.partition);
  if (!answer) {
    // Never report success without the broker's word for this partition.
    throw new OutboundError(
      "PROTOCOL_ERROR",
      `the produce response has no answer for ${batch.topic}[${batch.partition}]`,
      { transport: "kafka", kind: "unknown-outcome" },
    );
  }
  const offset = answer.baseOffset ?? answer.offset;
  const base = offset !== undefined ? BigInt(offset) : undefined;
  // logAppendTime is -1 unless the topic uses LogAppendTime; then it is the broker's timestamp.
  const appendTime = answer.logAppendTime !== undefined ? Number(answer.logAppendTime) : -1;
  return batch.records.map((record, index) => ({
    ok: true,
    partition: batch.partition,
    offset: base === undefined ? undefined : String(base + BigInt(index)),
    timestamp: appendTime >= 0 ? appendTime : record.timestamp,
    acknowledged: true,
  }));
}
