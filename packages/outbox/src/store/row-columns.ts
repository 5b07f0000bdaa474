import { decodeHeaders, encodeHeaders } from "../message/header-codec.js";
import type { OutboxRow, StoredOutboxMessage } from "../message/outbox-message.js";
import type { DeadLetterRow, ParkedRow } from "./store.js";

/** The columns a row is read back from, the same in both stores (quoted: reserved in PostgreSQL). */
export const ROW_COLUMNS =
  'seq, topic, key, headers, value, content_type, message_id, "partition", "timestamp", delay_ms, created_at, attempts';

/** The dead-letter table's columns beyond {@link ROW_COLUMNS}. */
export const DEAD_LETTER_COLUMNS = "error_code, error, destination, dead_lettered_at";

type Columns = Record<string, unknown>;

const optionalNumber = (value: unknown) =>
  value === null || value === undefined ? undefined : Number(value);

/**
 * A BLOB/bytea column as a plain Uint8Array, without copying: node:sqlite already gives one,
 * fresh per read; pg gives a Buffer of its own, viewed here rather than copied.
 */
function plainBytes(value: Uint8Array): Uint8Array {
  return value.constructor === Uint8Array
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * A row from either driver: node:sqlite gives BLOBs as Uint8Array and integers as numbers, pg
 * gives bytea as Buffer and BIGINT as strings; both become plain Uint8Arrays and numbers.
 */
export function rowFromColumns(r: Columns): OutboxRow {
  return {
    seq: Number(r.seq),
    topic: r.topic as string,
    key: r.key === null ? undefined : plainBytes(r.key as Uint8Array),
    headers: decodeHeaders(r.headers as string),
    value: plainBytes(r.value as Uint8Array),
    contentType: r.content_type as string,
    id: r.message_id as string,
    partition: optionalNumber(r.partition),
    timestamp: optionalNumber(r.timestamp),
    delayMs: optionalNumber(r.delay_ms),
    createdAt: Number(r.created_at),
    attempts: Number(r.attempts),
  };
}

export function deadLetterFromColumns(r: Columns): DeadLetterRow {
  return {
    ...rowFromColumns(r),
    errorCode: r.error_code as string,
    error: r.error as string,
    destination: (r.destination as string | null) ?? undefined,
    deadLetteredAt: Number(r.dead_lettered_at),
  };
}

/** The columns `add()` writes, in the order of {@link insertValues}. */
export const INSERT_COLUMNS =
  'topic, key, headers, value, content_type, message_id, "partition", "timestamp", delay_ms, created_at';

/** The values of {@link INSERT_COLUMNS}; `bytes` turns a Uint8Array into what the driver binds. */
export function insertValues(
  message: StoredOutboxMessage,
  createdAt: number,
  bytes: (value: Uint8Array) => unknown,
): unknown[] {
  return [
    message.topic,
    message.key === undefined ? null : bytes(message.key),
    encodeHeaders(message.headers),
    bytes(message.value),
    message.contentType,
    message.id,
    message.partition ?? null,
    message.timestamp ?? null,
    message.delayMs ?? null,
    createdAt,
  ];
}

export function parkedFromColumns(r: Columns): ParkedRow {
  return { ...rowFromColumns(r), error: (r.last_error as string | null) ?? "" };
}
