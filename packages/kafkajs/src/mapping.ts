import { OutboundError, type OutboundRecord, type RecordBatch, type RecordResult } from "@outbound/core";
import { CONTENT_TYPE_HEADER, hasHeader, MESSAGE_ID_HEADER, offsetCounter } from "@outbound/kafka-common";
import type { IHeaders, Message, RecordMetadata } from "kafkajs";

export { toKafkaAcks } from "@outbound/kafka-common";

/** A Buffer over the same memory, so large values are not copied. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Records of one batch usually share a send time; converting it once saves a number-to-string
// per message (kafkajs takes the timestamp as a string).
let lastTimestamp = Number.NaN;
let lastTimestampText = "";
function timestampText(timestamp: number): string {
  if (timestamp !== lastTimestamp) {
    lastTimestamp = timestamp;
    lastTimestampText = String(Math.trunc(timestamp));
  }
  return lastTimestampText;
}

/**
 * The kafkajs message for a record, with its explicit partition (the engine partitions).
 * The content type and id travel as headers unless the user already set a header of that
 * name: an explicit header is the user's decision.
 */
export function toKafkaMessage(record: OutboundRecord): Message {
  const headers: IHeaders = {};
  let userHeaders = false;
  const source = record.headers;
  for (const name in source) {
    const value = source[name] as string | Uint8Array;
    headers[name] = typeof value === "string" ? value : asBuffer(value);
    userHeaders = true;
  }
  // Without user headers nothing can shadow ours, so the name scans are skipped.
  if (record.contentType && !(userHeaders && hasHeader(headers, CONTENT_TYPE_HEADER)))
    headers[CONTENT_TYPE_HEADER] = record.contentType;
  if (record.id !== undefined && !(userHeaders && hasHeader(headers, MESSAGE_ID_HEADER)))
    headers[MESSAGE_ID_HEADER] = record.id;
  return {
    key: record.key === undefined ? null : asBuffer(record.key),
    value: asBuffer(record.value),
    partition: record.partition,
    headers,
    timestamp: timestampText(record.timestamp),
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
      { transport: "kafkajs", kind: "unknown-outcome" },
    );
  }
  const offset = answer.baseOffset ?? answer.offset;
  // logAppendTime is -1 unless the topic uses LogAppendTime; then it is the broker's timestamp.
  const appendTime = answer.logAppendTime !== undefined ? Number(answer.logAppendTime) : -1;
  const records = batch.records;
  const results = new Array<RecordResult>(records.length);
  const offsetAt = offsetCounter(offset, records.length);
  for (let index = 0; index < records.length; index++) {
    results[index] = {
      ok: true,
      partition: batch.partition,
      offset: offsetAt(index),
      timestamp: appendTime >= 0 ? appendTime : (records[index] as OutboundRecord).timestamp,
      acknowledged: true,
    };
  }
  return results;
}
