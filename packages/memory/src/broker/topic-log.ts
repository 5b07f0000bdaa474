import { ByteArena } from "./byte-arena.js";
import { DedupWindow } from "./dedup-window.js";
import type { ProduceRecord } from "./produce-request.js";
import type { StoredMessage } from "./stored-message.js";
import { StoredSegment } from "./stored-segment.js";

/** How a topic was created. */
export interface TopicSettings {
  partitions: number;
  /** FIFO topics order by group (the key) and require one, as SQS FIFO queues do. */
  fifo: boolean;
}

/** Which stored messages to return. */
export interface MessageFilter {
  partition?: number;
  /** Only messages with this key (compared byte for byte). */
  key?: string | Uint8Array;
  /** Only messages of this FIFO group. */
  group?: string;
}

const utf8 = new TextEncoder();

/** One topic's partitions: append-only logs with their own offsets, plus the topic's dedup window. */
export class TopicLog {
  // Each partition's segments in offset order, and how many records they hold.
  private logs: StoredSegment[][];
  private counts: number[];
  // Every partition's segments in the order they were appended, for whole-topic reads.
  private appendOrder: StoredSegment[] = [];
  private total = 0;
  private arena = new ByteArena();
  readonly dedup: DedupWindow;

  constructor(
    readonly name: string,
    private settings: TopicSettings,
    dedupWindowMs: () => number,
    now: () => number,
  ) {
    this.logs = Array.from({ length: settings.partitions }, () => []);
    this.counts = new Array<number>(settings.partitions).fill(0);
    this.dedup = new DedupWindow(dedupWindowMs, now);
  }

  get partitions(): number {
    return this.settings.partitions;
  }

  get fifo(): boolean {
    return this.settings.fifo;
  }

  get size(): number {
    return this.total;
  }

  /** Adds partitions; existing messages stay where they are, as in Kafka. */
  growTo(partitions: number): void {
    while (this.logs.length < partitions) {
      this.logs.push([]);
      this.counts.push(0);
    }
    this.settings = { ...this.settings, partitions };
  }

  /** The offset the next record appended to `partition` gets. */
  nextOffset(partition: number): number {
    const count = this.counts[partition];
    if (count === undefined) throw new RangeError(`partition ${partition} of ${this.name} does not exist`);
    return count;
  }

  /**
   * Appends `count` records to `partition`, at offsets from {@link nextOffset}: those at the
   * indexes in `accepted`, in that order, or without it the first `count`. `byteCount` is their
   * key and value bytes.
   */
  append(
    partition: number,
    records: readonly ProduceRecord[],
    accepted: readonly number[] | undefined,
    count: number,
    byteCount: number,
    appendedAt: number,
  ): void {
    const base = this.nextOffset(partition);
    const segment = StoredSegment.copy(
      records,
      accepted,
      count,
      byteCount,
      this.arena,
      partition,
      base,
      appendedAt,
    );
    (this.logs[partition] as StoredSegment[]).push(segment);
    this.appendOrder.push(segment);
    this.counts[partition] = base + segment.length;
    this.total += segment.length;
  }

  messages(filter: MessageFilter = {}): StoredMessage[] {
    const segments = filter.partition === undefined ? this.appendOrder : (this.logs[filter.partition] ?? []);
    let result: StoredMessage[] = [];
    for (const segment of segments) {
      for (const message of segment.messages(this.name, this.settings.fifo)) result.push(message);
    }
    if (filter.key !== undefined) {
      const key = typeof filter.key === "string" ? utf8.encode(filter.key) : filter.key;
      result = result.filter((m) => m.key !== undefined && sameBytes(m.key, key));
    }
    if (filter.group !== undefined) result = result.filter((m) => m.group === filter.group);
    return result;
  }

  count(partition?: number): number {
    return partition === undefined ? this.total : (this.counts[partition] ?? 0);
  }

  /** Empties every partition and restarts offsets at 0, so each test starts from a known state. */
  clear(): void {
    this.logs = this.logs.map(() => []);
    this.counts = this.counts.map(() => 0);
    this.appendOrder = [];
    this.total = 0;
    this.arena = new ByteArena();
    this.dedup.clear();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
