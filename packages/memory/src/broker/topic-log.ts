import { DedupWindow } from "./dedup-window.js";
import { StoredMessage, type StoredMessageFields } from "./stored-message.js";

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
  private logs: StoredMessage[][];
  // Every partition's messages in the order they were appended, for whole-topic reads.
  private appendOrder: StoredMessage[] = [];
  readonly dedup: DedupWindow;

  constructor(
    readonly name: string,
    private settings: TopicSettings,
    dedupWindowMs: () => number,
    now: () => number,
  ) {
    this.logs = Array.from({ length: settings.partitions }, () => []);
    this.dedup = new DedupWindow(dedupWindowMs, now);
  }

  get partitions(): number {
    return this.settings.partitions;
  }

  get fifo(): boolean {
    return this.settings.fifo;
  }

  get size(): number {
    return this.appendOrder.length;
  }

  /** Adds partitions; existing messages stay where they are, as in Kafka. */
  growTo(partitions: number): void {
    while (this.logs.length < partitions) this.logs.push([]);
    this.settings = { ...this.settings, partitions };
  }

  append(fields: Omit<StoredMessageFields, "topic" | "offset">): StoredMessage {
    const log = this.logs[fields.partition];
    if (!log) throw new RangeError(`partition ${fields.partition} of ${this.name} does not exist`);
    const message = new StoredMessage({ ...fields, topic: this.name, offset: String(log.length) });
    log.push(message);
    this.appendOrder.push(message);
    return message;
  }

  messages(filter: MessageFilter = {}): StoredMessage[] {
    let result = filter.partition === undefined ? this.appendOrder : (this.logs[filter.partition] ?? []);
    if (filter.key !== undefined) {
      const key = typeof filter.key === "string" ? utf8.encode(filter.key) : filter.key;
      result = result.filter((m) => m.key !== undefined && sameBytes(m.key, key));
    }
    if (filter.group !== undefined) result = result.filter((m) => m.group === filter.group);
    return [...result];
  }

  count(partition?: number): number {
    return partition === undefined ? this.appendOrder.length : (this.logs[partition]?.length ?? 0);
  }

  /** Empties every partition and restarts offsets at 0, so each test starts from a known state. */
  clear(): void {
    this.logs = this.logs.map(() => []);
    this.appendOrder = [];
    this.dedup.clear();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
