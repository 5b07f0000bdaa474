import type { Headers } from "@outbound/core";
import type { ByteArena } from "./byte-arena.js";
import type { ProduceRecord } from "./produce-request.js";
import { StoredMessage } from "./stored-message.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const NO_KEY = -1;

/**
 * The records one produce request stored on one partition, kept in columns: bytes in the topic's
 * arena, positions and timestamps in typed arrays, and per-record objects only where a record
 * has headers, an id or a delay. Keeping a {@link StoredMessage} per record made the broker
 * allocate several objects and a buffer per message, most of which no test ever reads, and the
 * GC spent a quarter of the broker's CPU on them. Inspection builds the messages on first read.
 */
export class StoredSegment {
  private materialized: StoredMessage[] | undefined;

  private constructor(
    readonly partition: number,
    /** Offset of the first record; the others follow without gaps. */
    readonly baseOffset: number,
    readonly appendedAt: number,
    private readonly bytes: Uint8Array,
    // Three numbers per record: key start (NO_KEY when keyless), value start, value end.
    private readonly bounds: Int32Array,
    private readonly timestamps: Float64Array,
    private readonly contentTypes: (string | undefined)[],
    private readonly headers: (Headers | undefined)[] | undefined,
    private readonly ids: (string | undefined)[] | undefined,
    private readonly delays: (number | undefined)[] | undefined,
  ) {}

  /**
   * Copies `count` records into `arena`: those at the indexes in `accepted`, or without it the
   * first `count`. `byteCount` is the sum of their key and value lengths.
   */
  static copy(
    records: readonly ProduceRecord[],
    accepted: readonly number[] | undefined,
    count: number,
    byteCount: number,
    arena: ByteArena,
    partition: number,
    baseOffset: number,
    appendedAt: number,
  ): StoredSegment {
    let position = arena.reserve(byteCount);
    const bytes = arena.current;
    const bounds = new Int32Array(count * 3);
    const timestamps = new Float64Array(count);
    const contentTypes = new Array<string | undefined>(count);
    let headers: (Headers | undefined)[] | undefined;
    let ids: (string | undefined)[] | undefined;
    let delays: (number | undefined)[] | undefined;
    for (let n = 0; n < count; n++) {
      const record = records[accepted === undefined ? n : (accepted[n] as number)] as ProduceRecord;
      const { key, value } = record;
      if (key === undefined) {
        bounds[n * 3] = NO_KEY;
      } else {
        bounds[n * 3] = position;
        bytes.set(key, position);
        position += key.byteLength;
      }
      bounds[n * 3 + 1] = position;
      bytes.set(value, position);
      position += value.byteLength;
      bounds[n * 3 + 2] = position;
      timestamps[n] = record.timestamp;
      contentTypes[n] = record.contentType;
      const copied = copyHeaders(record.headers);
      if (copied !== undefined) {
        headers ??= new Array(count);
        headers[n] = copied;
      }
      if (record.id !== undefined) {
        ids ??= new Array(count);
        ids[n] = record.id;
      }
      if (record.delayMs !== undefined) {
        delays ??= new Array(count);
        delays[n] = record.delayMs;
      }
    }
    return new StoredSegment(
      partition,
      baseOffset,
      appendedAt,
      bytes,
      bounds,
      timestamps,
      contentTypes,
      headers,
      ids,
      delays,
    );
  }

  get length(): number {
    return this.timestamps.length;
  }

  /** The stored records as messages, built once and then shared by every inspection. */
  messages(topic: string, fifo: boolean): StoredMessage[] {
    if (this.materialized) return this.materialized;
    const messages = new Array<StoredMessage>(this.length);
    for (let n = 0; n < messages.length; n++) messages[n] = this.message(topic, fifo, n);
    this.materialized = messages;
    return messages;
  }

  private message(topic: string, fifo: boolean, n: number): StoredMessage {
    const keyStart = this.bounds[n * 3] as number;
    const valueStart = this.bounds[n * 3 + 1] as number;
    const valueEnd = this.bounds[n * 3 + 2] as number;
    // Sliced, not viewed: each message owns its bytes, as it did when it was copied on arrival.
    const key = keyStart === NO_KEY ? undefined : this.bytes.slice(keyStart, valueStart);
    return new StoredMessage({
      topic,
      partition: this.partition,
      offset: String(this.baseOffset + n),
      key,
      value: this.bytes.slice(valueStart, valueEnd),
      headers: this.headers?.[n] ?? {},
      contentType: this.contentTypes[n],
      timestamp: this.timestamps[n] as number,
      appendedAt: this.appendedAt,
      id: this.ids?.[n],
      delayMs: this.delays?.[n],
      group: fifo && key ? utf8.decode(key) : undefined,
    });
  }
}

/** A copy of `headers` whose byte values the sender can no longer change; undefined when empty. */
function copyHeaders(headers: Headers | undefined): Headers | undefined {
  let copy: Headers | undefined;
  for (const name in headers) {
    const value = headers[name] as Headers[string];
    copy ??= {};
    copy[name] = typeof value === "string" ? value : new Uint8Array(value);
  }
  return copy;
}
