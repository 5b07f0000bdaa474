import { OutboundError, type RecordResult } from "@outbound/core";
import {
  type MemoryBrokerOptions,
  type ResolvedBrokerOptions,
  resolveBrokerOptions,
} from "./broker-options.js";
import { formatBytes, recordSize } from "./byte-size.js";
import { FaultInjector } from "./faults.js";
import type { ProduceOptions, ProduceRecord, ProduceRequest } from "./produce-request.js";
import type { StoredMessage } from "./stored-message.js";
import { type MessageFilter, TopicLog } from "./topic-log.js";

export interface CreateTopicOptions {
  /** Default: the broker's `defaultPartitions`. */
  partitions?: number;
  /** Messages need a key, which becomes their FIFO group. Default false. */
  fifo?: boolean;
}

/** A topic as the inspection API describes it. */
export interface TopicInfo {
  name: string;
  partitions: number;
  fifo: boolean;
  messages: number;
}

/** What the broker has done since it was created or last `reset()`. */
export interface BrokerStats {
  /** Produce requests received, including rejected ones. */
  requests: number;
  /** Requests rejected whole (disconnects, injected failures, oversize batches). */
  rejectedRequests: number;
  /** Records appended to a partition. */
  stored: number;
  /** Records acknowledged without being stored, because their id was inside the dedup window. */
  duplicates: number;
  /** Records that failed on their own while the rest of their request went through. */
  rejectedRecords: number;
}

function failure(code: OutboundError["code"], message: string, brokerCode?: string): OutboundError {
  return new OutboundError(
    code,
    message,
    brokerCode === undefined ? { transport: "memory" } : { transport: "memory", brokerCode },
  );
}

/**
 * An in-process broker with the semantics producers rely on: topics with partitions and offsets,
 * size limits, FIFO groups, a dedup window, plus injectable faults ({@link faults}) and an
 * inspection API for tests. The memory transport is a thin client over it.
 */
export class MemoryBroker {
  /** Latency, failures, hangs, disconnects and flow control, for tests. */
  readonly faults = new FaultInjector();
  private settingsValue: ResolvedBrokerOptions;
  private readonly logs = new Map<string, TopicLog>();
  private readonly appendListeners = new Set<() => void>();
  private counters: BrokerStats = emptyStats();

  constructor(
    options: MemoryBrokerOptions = {},
    /** Shown in errors and `describe()`; the registry sets it for named brokers. */
    readonly name = "anonymous",
  ) {
    this.settingsValue = resolveBrokerOptions(options);
  }

  /** The broker's limits and defaults, every field filled in. */
  get settings(): Readonly<ResolvedBrokerOptions> {
    return this.settingsValue;
  }

  /** Changes settings; limits apply to the next request, `defaultPartitions` to the next new topic. */
  configure(options: MemoryBrokerOptions): void {
    this.settingsValue = resolveBrokerOptions({ ...this.settingsValue, ...options });
  }

  /** Creates a topic. Creating an existing topic again with the same settings does nothing. */
  createTopic(name: string, options: CreateTopicOptions = {}): void {
    if (typeof name !== "string" || name.length === 0) {
      throw new OutboundError("INVALID_CONFIG", "a topic name must be a non-empty string", {
        transport: "memory",
      });
    }
    const partitions = options.partitions ?? this.settingsValue.defaultPartitions;
    if (!Number.isSafeInteger(partitions) || partitions < 1) {
      throw new OutboundError("INVALID_CONFIG", `partitions must be a positive integer, got ${partitions}`, {
        transport: "memory",
      });
    }
    const fifo = options.fifo ?? false;
    const existing = this.logs.get(name);
    if (existing) {
      if (existing.partitions === partitions && existing.fifo === fifo) return;
      throw new OutboundError(
        "INVALID_CONFIG",
        `topic ${name} already exists with ${existing.partitions} partition(s)${existing.fifo ? ", fifo" : ""}`,
        { transport: "memory", brokerCode: "TOPIC_EXISTS" },
      );
    }
    this.logs.set(
      name,
      new TopicLog(name, { partitions, fifo }, () => this.settingsValue.dedupWindowMs, this.now),
    );
  }

  /** Raises a topic's partition count, as Kafka's `CreatePartitions` does; it never shrinks. */
  createPartitions(name: string, total: number): void {
    const log = this.requireTopic(name);
    if (!Number.isSafeInteger(total) || total < log.partitions) {
      throw new OutboundError(
        "INVALID_CONFIG",
        `${name} has ${log.partitions} partitions; cannot set ${total}`,
        {
          transport: "memory",
        },
      );
    }
    log.growTo(total);
  }

  deleteTopic(name: string): boolean {
    return this.logs.delete(name);
  }

  /** Partition count of a topic, creating it first when auto-creation is on. */
  partitionsFor(name: string): number {
    return this.topicForProduce(name).partitions;
  }

  /**
   * Handles one produce request: waits out injected latency, hangs and pauses, then stores each
   * record or fails it on its own. Rejects only when the whole request fails. A held request is
   * abandoned (not stored) when `options.signal` aborts or `options.timeoutMs` passes; both are
   * read only when the request is actually held, so a `SendContext` can be passed as it is.
   */
  produce(request: ProduceRequest, options?: ProduceOptions | AbortSignal): Promise<RecordResult[]> {
    this.counters.requests += 1;
    // Nothing to wait for: answer without the async machinery, which cost more than the storing.
    if (this.faults.connected && !this.faults.holding) {
      try {
        return Promise.resolve(this.admit(request));
      } catch (error) {
        this.counters.rejectedRequests += 1;
        return Promise.reject(error);
      }
    }
    return this.produceWhenReleased(request, options);
  }

  /** Stored messages of a topic, in append order (or one partition's, in offset order). */
  messages(topic: string, filter: MessageFilter = {}): StoredMessage[] {
    return this.logs.get(topic)?.messages(filter) ?? [];
  }

  /** Names of the topics that exist, sorted. */
  topics(): string[] {
    return [...this.logs.keys()].sort();
  }

  topic(name: string): TopicInfo | undefined {
    const log = this.logs.get(name);
    return log && { name, partitions: log.partitions, fifo: log.fifo, messages: log.size };
  }

  /** Messages stored on one topic (or one partition of it), or on every topic when none is given. */
  count(topic?: string, filter: { partition?: number } = {}): number {
    if (topic === undefined) {
      let total = 0;
      for (const log of this.logs.values()) total += log.size;
      return total;
    }
    return this.logs.get(topic)?.count(filter.partition) ?? 0;
  }

  stats(): BrokerStats {
    return { ...this.counters };
  }

  /**
   * Resolves with the topic's messages once it holds at least `count`; rejects with `TIMEOUT`
   * saying how many arrived when `timeoutMs` passes first.
   */
  waitFor(topic: string, count: number, timeoutMs = 5_000): Promise<StoredMessage[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.count(topic) < count) return;
        done();
        resolve(this.messages(topic));
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new OutboundError(
            "TIMEOUT",
            `waited ${timeoutMs} ms for ${count} message(s) on ${topic}; it holds ${this.count(topic)}`,
            { transport: "memory", kind: "terminal" },
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.appendListeners.delete(check);
      };
      this.appendListeners.add(check);
      check();
    });
  }

  /** Empties one topic, or all of them, keeping the topics; offsets and dedup restart. */
  clear(topic?: string): void {
    if (topic === undefined) for (const log of this.logs.values()) log.clear();
    else this.logs.get(topic)?.clear();
  }

  /** Deletes every topic, clears every fault and zeroes the stats. */
  reset(): void {
    this.logs.clear();
    this.faults.reset();
    this.counters = emptyStats();
  }

  private readonly now = (): number => this.settingsValue.now();

  private requireTopic(name: string): TopicLog {
    const log = this.logs.get(name);
    if (!log) throw failure("UNKNOWN_DESTINATION", `topic ${name} does not exist`, "UNKNOWN_TOPIC");
    return log;
  }

  private topicForProduce(name: string): TopicLog {
    if (
      !this.logs.has(name) &&
      this.settingsValue.autoCreateTopics &&
      typeof name === "string" &&
      name !== ""
    ) {
      this.createTopic(name);
    }
    return this.requireTopic(name);
  }

  private async produceWhenReleased(
    request: ProduceRequest,
    options: ProduceOptions | AbortSignal | undefined,
  ): Promise<RecordResult[]> {
    try {
      if (!this.faults.connected) {
        throw failure("BROKER_UNAVAILABLE", `memory broker ${this.name} is disconnected`, "DISCONNECTED");
      }
      await this.faults.hold(options instanceof AbortSignal ? { signal: options } : options);
      return this.admit(request);
    } catch (error) {
      this.counters.rejectedRequests += 1;
      throw error;
    }
  }

  private admit(request: ProduceRequest): RecordResult[] {
    const injected = this.faults.takeRequestFailure();
    if (injected) throw injected;
    return this.apply(request);
  }

  private apply(request: ProduceRequest): RecordResult[] {
    if (!Array.isArray(request?.records)) {
      throw failure("INVALID_MESSAGE", "a produce request needs a records array", "INVALID_REQUEST");
    }
    const log = this.topicForProduce(request.topic);
    const { partition, records } = request;
    if (!Number.isInteger(partition) || partition < 0 || partition >= log.partitions) {
      throw failure(
        "UNKNOWN_DESTINATION",
        `partition ${partition} of ${log.name} does not exist (it has ${log.partitions})`,
        "UNKNOWN_PARTITION",
      );
    }
    this.checkBatchLimits(records);
    const acknowledged = request.acks !== "none";
    const results = new Array<RecordResult>(records.length);
    // Offsets are handed out as records are accepted, so that a duplicate later in the same
    // request finds the first copy; the bytes are copied once, after the loop.
    let offset = log.nextOffset(partition);
    let accepted: number[] | undefined;
    let stored = 0;
    let byteCount = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as ProduceRecord;
      const rejected = this.validate(log, record) ?? this.injectedRecordFailure(log, partition, record);
      const first = rejected || record.id === undefined ? undefined : log.dedup.lookup(record.id);
      if (rejected) {
        this.counters.rejectedRecords += 1;
        results[i] = { ok: false, error: rejected };
      } else if (first !== undefined) {
        this.counters.duplicates += 1;
        results[i] = success(first.partition, first.offset, record.timestamp, acknowledged);
      } else {
        const coordinate = String(offset++);
        if (record.id !== undefined) log.dedup.remember(record.id, partition, coordinate);
        // With acks "none" a real producer learns nothing back, so no offset is reported.
        results[i] = success(partition, coordinate, record.timestamp, acknowledged);
        byteCount += (record.key?.byteLength ?? 0) + record.value.byteLength;
        if (accepted === undefined && stored < i) accepted = indexesBelow(stored);
        accepted?.push(i);
        stored += 1;
      }
    }
    if (stored === 0) return results;
    log.append(partition, records, accepted, stored, byteCount, this.now());
    this.counters.stored += stored;
    if (this.appendListeners.size > 0) for (const listener of [...this.appendListeners]) listener();
    return results;
  }

  private checkBatchLimits(records: readonly ProduceRecord[]): void {
    const { maxBatchRecords, maxBatchBytes } = this.settingsValue;
    if (records.length > maxBatchRecords) {
      throw failure(
        "MESSAGE_TOO_LARGE",
        `batch of ${records.length} records exceeds the ${maxBatchRecords} limit`,
        "BATCH_TOO_LARGE",
      );
    }
    let bytes = 0;
    for (const record of records) bytes += record.value instanceof Uint8Array ? recordSize(record) : 0;
    if (bytes > maxBatchBytes) {
      throw failure(
        "MESSAGE_TOO_LARGE",
        `batch of ${formatBytes(bytes)} exceeds the ${formatBytes(maxBatchBytes)} limit`,
        "BATCH_TOO_LARGE",
      );
    }
  }

  /** The broker's own checks, which hold whatever the client checked before sending. */
  private validate(log: TopicLog, record: ProduceRecord): OutboundError | undefined {
    if (
      !(record.value instanceof Uint8Array) ||
      (record.key !== undefined && !(record.key instanceof Uint8Array))
    ) {
      return failure("INVALID_MESSAGE", "key and value must be bytes (Uint8Array)", "INVALID_RECORD");
    }
    for (const name in record.headers) {
      const value: unknown = record.headers[name];
      if (typeof value !== "string" && !(value instanceof Uint8Array)) {
        return failure(
          "INVALID_MESSAGE",
          "header values must be strings or bytes (Uint8Array)",
          "INVALID_HEADER",
        );
      }
    }
    const size = recordSize(record);
    const { maxMessageBytes, maxDelayMs } = this.settingsValue;
    if (size > maxMessageBytes) {
      return failure(
        "MESSAGE_TOO_LARGE",
        `message of ${formatBytes(size)} exceeds the ${formatBytes(maxMessageBytes)} limit`,
        "MESSAGE_TOO_LARGE",
      );
    }
    if (maxDelayMs === 0 && record.delayMs !== undefined && record.delayMs > 0) {
      return failure("UNSUPPORTED_FEATURE", "delayMs: this memory broker has delay turned off", "DELAY_OFF");
    }
    if (
      record.delayMs !== undefined &&
      !(Number.isFinite(record.delayMs) && record.delayMs >= 0 && record.delayMs <= maxDelayMs)
    ) {
      return failure(
        "INVALID_MESSAGE",
        `delayMs ${record.delayMs} is outside 0..${maxDelayMs}`,
        "INVALID_DELAY",
      );
    }
    if (log.fifo && (record.key === undefined || record.key.byteLength === 0)) {
      return failure(
        "INVALID_MESSAGE",
        `FIFO topic ${log.name} needs a key, which is the message group`,
        "MISSING_GROUP",
      );
    }
    return undefined;
  }

  private injectedRecordFailure(
    log: TopicLog,
    partition: number,
    record: ProduceRecord,
  ): OutboundError | undefined {
    if (!this.faults.hasRecordFaults) return undefined;
    return this.faults.takeRecordFailure({ ...record, topic: log.name, partition });
  }
}

// One literal per shape, so every result of a kind shares a hidden class.
function success(partition: number, offset: string, timestamp: number, acknowledged: boolean): RecordResult {
  return acknowledged
    ? { ok: true, partition, offset, timestamp, acknowledged: true }
    : { ok: true, partition, timestamp, acknowledged: false };
}

/** [0, 1, ..., n - 1]: the records accepted before the first one that was not. */
function indexesBelow(n: number): number[] {
  const indexes: number[] = [];
  for (let i = 0; i < n; i++) indexes.push(i);
  return indexes;
}

function emptyStats(): BrokerStats {
  return { requests: 0, rejectedRequests: 0, stored: 0, duplicates: 0, rejectedRecords: 0 };
}
