import { ByteArena } from "./byte-arena.js";
import { DedupWindow } from "./dedup-window.js";
import type { ProduceRecord } from "./produce-request.js";
import { RecordBlock } from "./record-block.js";
import type { StoredMessage } from "./stored-message.js";

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
  // Every partition's records in the order they were appended; offsets are kept per record.
  private blocks: RecordBlock[] = [];
  private counts: number[];
  private total = 0;
  private arena = new ByteArena();
  readonly dedup: DedupWindow;

  constructor(
    readonly name: string,
    private settings: TopicSettings,
    dedupWindowMs: () => number,
    now: () => number,
  ) {
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
    while (this.counts.length < partitions) this.counts.push(0);
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
    // One reservation per request, so its records sit next to each other in one chunk.
    let position = this.arena.reserve(byteCount);
    let block = this.blocks[this.blocks.length - 1];
    for (let n = 0; n < count; n++) {
      if (block === undefined || block.full) {
        block = RecordBlock.after(block);
        this.blocks.push(block);
      }
      const record = records[accepted === undefined ? n : (accepted[n] as number)] as ProduceRecord;
      position = block.push(record, this.arena, position, partition, base + n, appendedAt);
    }
    this.counts[partition] = base + count;
    this.total += count;
  }

  messages(filter: MessageFilter = {}): StoredMessage[] {
    const { partition } = filter;
    let result: StoredMessage[] = [];
    for (const block of this.blocks) {
      for (let n = 0; n < block.length; n++) {
        if (partition !== undefined && block.partitionOf(n) !== partition) continue;
        result.push(block.message(n, this.name, this.settings.fifo, this.arena));
      }
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
    this.blocks = [];
    this.counts = this.counts.map(() => 0);
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
