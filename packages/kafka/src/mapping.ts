import type { OutboundRecord, RecordResult } from "@outbound/core";
import { CONTENT_TYPE_HEADER, hasHeader, MESSAGE_ID_HEADER, offsetCounter } from "@outbound/kafka-common";
import type { PartitionAnswer } from "./produce-request.js";

/**
 * How an Outbound record becomes a Kafka record and how the broker's answer becomes its result:
 * the one place that decides which headers a record carries and which coordinates a send
 * reports. The wire layout itself is record-batch.ts's.
 */

/** One record header as bytes, in the order the record carries them. */
export type EncodedHeader = [key: Buffer, value: Buffer | null];

/** A Buffer over the same memory, so large values are not copied. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const CONTENT_TYPE_KEY = Buffer.from(CONTENT_TYPE_HEADER);
const MESSAGE_ID_KEY = Buffer.from(MESSAGE_ID_HEADER);
// Most batches carry one or two content types; their bytes are made once.
const contentTypes = new Map<string, Buffer>();
function contentTypeBytes(contentType: string): Buffer {
  let bytes = contentTypes.get(contentType);
  if (!bytes) {
    bytes = Buffer.from(contentType, "utf8");
    if (contentTypes.size < 64) contentTypes.set(contentType, bytes);
  }
  return bytes;
}

/**
 * The headers a record carries: the user's, then the content type and the message id unless the
 * user already set a header of that name (an explicit header is the user's decision).
 */
export function recordHeaders(record: OutboundRecord): EncodedHeader[] {
  const out: EncodedHeader[] = [];
  const source = record.headers;
  let userHeaders = false;
  for (const name in source) {
    const value = source[name] as string | Uint8Array;
    out.push([
      Buffer.from(name, "utf8"),
      typeof value === "string" ? Buffer.from(value, "utf8") : asBuffer(value),
    ]);
    userHeaders = true;
  }
  if (record.contentType && !(userHeaders && hasHeader(source, CONTENT_TYPE_HEADER))) {
    out.push([CONTENT_TYPE_KEY, contentTypeBytes(record.contentType)]);
  }
  if (record.id !== undefined && !(userHeaders && hasHeader(source, MESSAGE_ID_HEADER))) {
    out.push([MESSAGE_ID_KEY, Buffer.from(record.id, "utf8")]);
  }
  return out;
}

/**
 * One result per record of a batch the broker stored. Kafka assigns consecutive offsets inside a
 * batch, so record `i` sits at `baseOffset + i`; with `LogAppendTime` topics the broker's time
 * replaces the record's. Without an answer (acks 0, or an old broker's DUPLICATE_SEQUENCE_NUMBER)
 * the records were stored and nothing more is known; a duplicate of a batch stored long ago may
 * come back with offset -1, and then no offset is reported.
 */
export function toRecordResults(
  records: readonly OutboundRecord[],
  partition: number,
  acknowledged: boolean,
  answer: PartitionAnswer | undefined,
): RecordResult[] {
  const results = new Array<RecordResult>(records.length);
  if (!answer) {
    for (let i = 0; i < records.length; i++) results[i] = { ok: true, partition, acknowledged };
    return results;
  }
  const offsetAt = offsetCounter(answer.baseOffset >= 0n ? answer.baseOffset : undefined, records.length);
  const appendTime = answer.logAppendTimeMs >= 0n ? Number(answer.logAppendTimeMs) : -1;
  for (let i = 0; i < records.length; i++) {
    results[i] = {
      ok: true,
      partition,
      offset: offsetAt(i),
      timestamp: appendTime >= 0 ? appendTime : records[i]!.timestamp,
      acknowledged: true,
    };
  }
  return results;
}
