import type { MessageAttributeValue, SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { type ErrorCode, OutboundError, type OutboundRecord } from "@outbound/core";
import {
  attributeNameProblem,
  BODY_ATTRIBUTE,
  CONTENT_TYPE_ATTRIBUTE,
  encodeAttribute,
  KEY_ATTRIBUTE,
  MAX_ATTRIBUTES,
  RESERVED_ATTRIBUTES,
} from "./attributes.js";
import { asSqsText, BODY_DATA_TYPE, EMPTY_BODY_PLACEHOLDER, encodeBody } from "./body.js";
import { fifoToken } from "./fifo.js";
import type { QueueInfo } from "./queues.js";
import { formatBytes, sqsMessageSize } from "./sizing.js";

/** SQS's ceiling for `DelaySeconds`. */
export const MAX_DELAY_SECONDS = 900;

/** Content type sent when the record has none but the body form still needs the attribute. */
const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** A record turned into a SendMessageBatch entry (its `Id` is given per request). */
export interface MappedEntry {
  entry: Omit<SendMessageBatchRequestEntry, "Id">;
  /** Size as SQS counts it. */
  sizeBytes: number;
  /** FIFO only: the entry's MessageGroupId, which orders it. */
  groupId: string | undefined;
}

export type MappingResult = { ok: true; mapped: MappedEntry } | { ok: false; error: OutboundError };

export interface MappingLimits {
  maxMessageBytes: number;
}

function fail(code: ErrorCode, message: string): MappingResult {
  return { ok: false, error: new OutboundError(code, message, { transport: "sqs" }) };
}

/**
 * Maps one record onto an SQS entry, or says clearly why SQS cannot take it. Problems are found
 * here, before any request, so a bad message fails alone instead of failing its batch.
 */
export function mapRecord(record: OutboundRecord, queue: QueueInfo, limits: MappingLimits): MappingResult {
  const attributes: Record<string, MessageAttributeValue> = {};

  const headerNames = Object.keys(record.headers);
  const total = headerNames.length + 1 + (record.key === undefined ? 0 : 1);
  if (total > MAX_ATTRIBUTES) {
    const own =
      record.key === undefined ? CONTENT_TYPE_ATTRIBUTE : `${CONTENT_TYPE_ATTRIBUTE} and ${KEY_ATTRIBUTE}`;
    return fail(
      "INVALID_MESSAGE",
      `message has ${headerNames.length} headers; with the ${own} attribute${record.key === undefined ? "" : "s"} ` +
        `Outbound adds that is ${total} message attributes, over SQS's limit of ${MAX_ATTRIBUTES}`,
    );
  }
  for (const name of headerNames) {
    if (RESERVED_ATTRIBUTES.includes(name)) {
      return fail(
        "INVALID_MESSAGE",
        `header "${name}" uses a name Outbound reserves on SQS (${RESERVED_ATTRIBUTES.join(", ")})`,
      );
    }
    const problem = attributeNameProblem(name);
    if (problem) return fail("INVALID_MESSAGE", `header "${name}" is not a valid attribute name: ${problem}`);
    attributes[name] = encodeAttribute(record.headers[name]!);
  }
  if (record.key !== undefined) {
    // A key that is text travels as a String so consumers can read it; any other key as Binary.
    const text = asSqsText(record.key);
    attributes[KEY_ATTRIBUTE] = encodeAttribute(text === undefined || text === "" ? record.key : text);
  }

  let { body, encoding } = encodeBody(record.value);
  const contentType = record.contentType || FALLBACK_CONTENT_TYPE;
  attributes[CONTENT_TYPE_ATTRIBUTE] = { DataType: BODY_DATA_TYPE[encoding], StringValue: contentType };
  let sizeBytes = sqsMessageSize(body, attributes);
  if (encoding === "base64" && sizeBytes > limits.maxMessageBytes && total < MAX_ATTRIBUTES) {
    // Base64 pushed it over; the raw bytes in a Binary attribute may still fit.
    encoding = "attribute";
    body = EMPTY_BODY_PLACEHOLDER;
    attributes[CONTENT_TYPE_ATTRIBUTE] = { DataType: BODY_DATA_TYPE.attribute, StringValue: contentType };
    attributes[BODY_ATTRIBUTE] = { DataType: "Binary", BinaryValue: record.value };
    sizeBytes = sqsMessageSize(body, attributes);
  }

  const entry: Omit<SendMessageBatchRequestEntry, "Id"> = {
    MessageBody: body,
    MessageAttributes: attributes,
  };
  let groupId: string | undefined;

  if (queue.fifo) {
    if (record.key === undefined) {
      return fail(
        "INVALID_MESSAGE",
        `FIFO queue "${queue.name}" needs a key on every message: it becomes the MessageGroupId`,
      );
    }
    groupId = fifoToken(record.key);
    entry.MessageGroupId = groupId;
    if (record.id !== undefined) {
      entry.MessageDeduplicationId = fifoToken(record.id);
    } else if (!queue.contentBasedDeduplication) {
      return fail(
        "INVALID_MESSAGE",
        `FIFO queue "${queue.name}" has no content-based deduplication, so every message needs an id (MessageDeduplicationId)`,
      );
    }
    if (record.delayMs !== undefined && record.delayMs > 0) {
      return fail(
        "UNSUPPORTED_FEATURE",
        `FIFO queue "${queue.name}" takes no per-message delay; set the queue's DelaySeconds attribute instead`,
      );
    }
  } else if (record.delayMs !== undefined && record.delayMs !== 0) {
    const delay = record.delayMs;
    if (!Number.isFinite(delay) || delay < 0 || delay > MAX_DELAY_SECONDS * 1000) {
      return fail(
        "INVALID_MESSAGE",
        `delayMs ${delay} is outside SQS's range of 0 to ${MAX_DELAY_SECONDS * 1000} ms (DelaySeconds 0-900)`,
      );
    }
    // Rounded up: a message is never delivered before the delay asked for.
    entry.DelaySeconds = Math.ceil(delay / 1000);
  }

  if (sizeBytes > limits.maxMessageBytes) {
    const form =
      encoding === "base64"
        ? ", binary body sent as base64 because all 10 attributes are taken"
        : encoding === "attribute"
          ? ", binary value sent raw in a Binary attribute"
          : "";
    return fail(
      "MESSAGE_TOO_LARGE",
      `message of ${formatBytes(sizeBytes)} exceeds the ${formatBytes(limits.maxMessageBytes)} limit ` +
        `(SQS counts the body and every attribute's name, type and value${form})`,
    );
  }
  return { ok: true, mapped: { entry, sizeBytes, groupId } };
}
