import type { Headers } from "@outbound/core";
import type { ByteArena } from "./byte-arena.js";
import type { ProduceRecord } from "./produce-request.js";
import { StoredMessage } from "./stored-message.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const NO_KEY = -1;
const MAX_CAPACITY = 1024;
// Numbers kept per record in `layout`: arena chunk, key start (NO_KEY when keyless), value
// start, value end, partition, offset.
const FIELDS = 6;

/**
 * Stored records of a topic, in append order, kept in columns: bytes in the topic's arena,
 * positions, partitions, offsets and times in typed arrays, and per-record objects only where a
 * record has headers, an id or a delay. A {@link StoredMessage} per record made the broker
 * allocate and retain several objects and a buffer per message, most of which no test ever
 * reads, and the GC spent a quarter of the broker's CPU on them. Inspection builds the messages
 * on first read and keeps them.
 */
export class RecordBlock {
  length = 0;
  private readonly layout: Int32Array;
  private readonly timestamps: Float64Array;
  private readonly appendedAt: Float64Array;
  private readonly contentTypes: (string | undefined)[];
  private headers: (Headers | undefined)[] | undefined;
  private ids: (string | undefined)[] | undefined;
  private delays: (number | undefined)[] | undefined;
  private materialized: StoredMessage[] | undefined;

  /** A block twice the size of `previous`, up to a limit, so a topic with few messages stays small. */
  static after(previous: RecordBlock | undefined): RecordBlock {
    return new RecordBlock(previous === undefined ? 8 : Math.min(MAX_CAPACITY, previous.capacity * 2));
  }

  private constructor(readonly capacity: number) {
    this.layout = new Int32Array(capacity * FIELDS);
    this.timestamps = new Float64Array(capacity);
    this.appendedAt = new Float64Array(capacity);
    this.contentTypes = new Array<string | undefined>(capacity);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  /**
   * Copies `record`'s key and value to `position` in the arena's current chunk and returns the
   * position after them. The caller has reserved the room and checked {@link full}.
   */
  push(
    record: ProduceRecord,
    arena: ByteArena,
    position: number,
    partition: number,
    offset: number,
    appendedAt: number,
  ): number {
    const n = this.length++;
    const at = n * FIELDS;
    const bytes = arena.current;
    const { key, value } = record;
    let end = position;
    this.layout[at] = arena.currentId;
    if (key === undefined) {
      this.layout[at + 1] = NO_KEY;
    } else {
      this.layout[at + 1] = end;
      bytes.set(key, end);
      end += key.byteLength;
    }
    this.layout[at + 2] = end;
    bytes.set(value, end);
    end += value.byteLength;
    this.layout[at + 3] = end;
    this.layout[at + 4] = partition;
    this.layout[at + 5] = offset;
    this.timestamps[n] = record.timestamp;
    this.appendedAt[n] = appendedAt;
    this.contentTypes[n] = record.contentType;
    const copied = copyHeaders(record.headers);
    if (copied !== undefined) {
      this.headers ??= new Array(this.capacity);
      this.headers[n] = copied;
    }
    if (record.id !== undefined) {
      this.ids ??= new Array(this.capacity);
      this.ids[n] = record.id;
    }
    if (record.delayMs !== undefined) {
      this.delays ??= new Array(this.capacity);
      this.delays[n] = record.delayMs;
    }
    return end;
  }

  partitionOf(n: number): number {
    return this.layout[n * FIELDS + 4] as number;
  }

  /** Record `n` as a message, built once and then shared by every inspection. */
  message(n: number, topic: string, fifo: boolean, arena: ByteArena): StoredMessage {
    this.materialized ??= [];
    const cached = this.materialized[n];
    if (cached) return cached;
    const at = n * FIELDS;
    const chunk = this.layout[at] as number;
    const keyStart = this.layout[at + 1] as number;
    const valueStart = this.layout[at + 2] as number;
    // Sliced, not viewed: each message owns its bytes, as it did when it was copied on arrival.
    const key = keyStart === NO_KEY ? undefined : arena.slice(chunk, keyStart, valueStart);
    const message = new StoredMessage({
      topic,
      partition: this.layout[at + 4] as number,
      offset: String(this.layout[at + 5]),
      key,
      value: arena.slice(chunk, valueStart, this.layout[at + 3] as number),
      headers: this.headers?.[n] ?? {},
      contentType: this.contentTypes[n],
      timestamp: this.timestamps[n] as number,
      appendedAt: this.appendedAt[n] as number,
      id: this.ids?.[n],
      delayMs: this.delays?.[n],
      group: fifo && key ? utf8.decode(key) : undefined,
    });
    this.materialized[n] = message;
    return message;
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
