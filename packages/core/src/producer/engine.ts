import { EventEmitter } from "node:events";
import { describeConfig, type ParsedConfig } from "../config/index.js";
import {
  type DeadLetterEntry,
  type DeadLetterSink,
  defaultDeadLetterPredicate,
  fileDeadLetterSink,
  producerDeadLetterSink,
} from "../dead-letter/index.js";
import { type DeadLetterOutcome, isRetried, OutboundError, toOutboundError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { silentLogger } from "../logging/index.js";
import type {
  DeliveryReport,
  OutboundMessage,
  OutboundRecord,
  RecordResult,
  RecordSuccess,
} from "../message/index.js";
import { MetricsRecorder, type ProducerMetrics } from "../metrics/metrics.js";
import type { Partitioner } from "../partitioner/partitioner.js";
import { stickyPartitioner } from "../partitioner/sticky.js";
import { bytesSerializer } from "../serializer/bytes.js";
import { jsonSerializer } from "../serializer/json.js";
import type { Serializer } from "../serializer/serializer.js";
import { loadOpenTelemetry } from "../telemetry/open-telemetry.js";
import { ProducerTelemetry } from "../telemetry/producer-telemetry.js";
import type { BackpressureState, Capabilities, Transport } from "../transport/index.js";
import { backoffDelay } from "./backoff.js";
import { BufferPool } from "./buffer-pool.js";
import { type Clock, type ClockTimer, sleep, systemClock } from "./clock.js";
import { Lane } from "./lane.js";
import { PartitionCache } from "./partition-cache.js";
import { NO_HEADERS, type PendingRecord } from "./pending.js";
import { fillRecord, readMessage, readValue, serializeValue, tooLarge } from "./prepare.js";
import { InFlightRequest, type RequestHooks } from "./request.js";
import { TransactionRun } from "./transaction.js";
import type {
  CloseResult,
  Producer,
  ProducerEventName,
  ProducerEvents,
  ProducerTransaction,
  SendSettled,
  Undelivered,
} from "./types.js";
import { UserCode } from "./user-code.js";

/** How the engine obtains its transport: already built, or loaded lazily by the registry. */
export type TransportSource =
  | { transport: Transport }
  | { name: string; create: (logger: Logger) => Promise<Transport> };

export interface EngineParts {
  parsed: ParsedConfig;
  source: TransportSource;
  serializer: Serializer;
  /** Partitioner for keyed messages; `undefined` means the transport's default. */
  partitioner: Partitioner | undefined;
  /** Whether keyless messages also go through `partitioner` instead of sticky partitioning. */
  partitionKeyless: boolean;
  resolveDefaultPartitioner: (name: Capabilities["defaultPartitioner"]) => Partitioner;
  /** Where the engine reads time and arms timers; the system clock unless a test injects a fake one. */
  clock?: Clock;
}

/** `sendSerialized`: bytes that skip the serializer. */
interface RawSend {
  contentType: string;
  deadLetterable: boolean;
}

/** A send accepted but not yet in a lane; close() or its deadline rejects it through `reject`. */
interface AdmittingEntry {
  message: OutboundMessage;
  reject: (e: OutboundError) => void;
  /** What the send waits for, for the error its deadline gives. */
  waitingFor: string;
  deadlineTimer: ClockTimer | undefined;
}

/** A Uint8Array value under the default JSON serializer: its bytes go out as they are. */
const BYTES_UNDER_JSON: RawSend = { contentType: "application/octet-stream", deadLetterable: true };

/**
 * Queued records past their deadline are failed by one timer armed for the earliest head's
 * deadline; ticks closer together than this are merged, so a paused backlog does not wake the
 * loop per record.
 */
const DEADLINE_TICK_MS = 2;

/**
 * The producer engine: validation, serialization, partitioning, the bounded buffer, per-partition
 * lanes with linger batching, the in-flight limit, retries with backoff, timeouts and close.
 * Read it top to bottom: send -> admit -> enqueue -> drain -> dispatch -> complete.
 */
export class ProducerEngine extends EventEmitter implements Producer {
  readonly transportName: string;
  private readonly options: ParsedConfig["options"];
  private readonly logger: Logger;
  private readonly userCode: UserCode;
  private readonly metricsRecorder = new MetricsRecorder();
  private readonly buffer: BufferPool;
  private readonly lanes: Lane[] = [];
  private readonly lanesByTopic = new Map<string, Lane[]>();
  private readonly inFlight = new Set<InFlightRequest>();
  /** `send()` calls accepted but not yet in a lane (waiting for metadata, buffer or serializer). */
  private readonly admitting = new Set<AdmittingEntry>();
  private readonly sticky = stickyPartitioner();
  private readonly idleWaiters: (() => void)[] = [];
  private dirtyLanes: Lane[] = [];
  private drainQueued = false;

  private transport: Transport | undefined;
  private caps: Capabilities | undefined;
  private partitioner: Partitioner | undefined;
  private partitionCache: PartitionCache | undefined;
  private connecting: Promise<void> | undefined;
  /** Why the last connect attempt failed, for the error of a send whose deadline passed meanwhile. */
  private lastConnectError: OutboundError | undefined;
  private maxRecords = 1;
  private maxBytes = 1;
  private maxMessageBytes = 0;
  private maxInFlight = 1;
  /** The transport resends failed batches itself (`capabilities.retries: "transport"`). */
  private transportRetries = false;

  private readonly deliveryTimeoutMs: number;
  private readonly clock: Clock;
  private pendingCount = 0;
  private requestTimer: ClockTimer | undefined;
  private requestTimerAt = 0;
  /** Dead-letter writes under way; their `send()` rejects once each finishes. */
  private deadLettering = 0;
  private telemetry: ProducerTelemetry | undefined;
  private readonly deadLetterSink: DeadLetterSink | undefined;
  private flushing = 0;
  private closing = false;
  private closeResult: Promise<CloseResult> | undefined;
  private paused: BackpressureState = { paused: false };
  /** Fails queued records at their deadline; armed for the earliest queued head's. */
  private deadlineTimer: ClockTimer | undefined;
  private deadlineTimerAt = 0;
  private lastPressureLog = Number.NEGATIVE_INFINITY;

  constructor(private readonly parts: EngineParts) {
    super();
    this.options = parts.parsed.options;
    this.clock = parts.clock ?? systemClock;
    this.deliveryTimeoutMs = this.options.deliveryTimeoutMs;
    this.userCode = new UserCode(this, this.options.logger ?? silentLogger);
    this.logger = this.userCode.logger;
    this.buffer = new BufferPool(this.options.bufferMaxBytes, this.clock);
    this.transportName = "transport" in parts.source ? parts.source.transport.name : parts.source.name;
    this.deadLetterSink = this.makeDeadLetterSink();
  }

  private makeDeadLetterSink(): DeadLetterSink | undefined {
    const options = this.options.deadLetter;
    if (!options) return undefined;
    if (options.sink) return options.sink;
    if (options.file) return fileDeadLetterSink(options.file);
    return producerDeadLetterSink(options.producer ?? this, options.topic!);
  }

  // ---------------------------------------------------------------- connection

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError());
    if (!this.connecting) {
      this.connecting = this.connectOnce().catch((error: unknown) => {
        // Let a later send try again; this attempt's callers get the error.
        this.connecting = undefined;
        throw toOutboundError(error, "BROKER_UNAVAILABLE", {
          transport: this.transportName,
          context: "connect failed",
        });
      });
    }
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const source = this.parts.source;
    const transport =
      this.transport ?? ("transport" in source ? source.transport : await source.create(this.logger));
    this.transport = transport;
    const caps = transport.capabilities;
    if (!caps.acks.includes(this.options.acks)) {
      throw new OutboundError(
        "INVALID_CONFIG",
        `acks "${this.options.acks}" is not supported by ${transport.name}; it supports ${caps.acks.join(", ")}`,
        { transport: transport.name },
      );
    }
    const deadline = this.clock.now() + this.options.deliveryTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.connect();
        break;
      } catch (error) {
        const e = toOutboundError(error, "BROKER_UNAVAILABLE", {
          transport: transport.name,
          context: "connect failed",
        });
        this.lastConnectError = e;
        const delay = backoffDelay(this.options.retry, attempt);
        if (!isRetried(e) || this.clock.now() + delay >= deadline || this.closing) throw e;
        this.logger.warn(
          { transport: transport.name, attempt, error: e.message },
          "connect failed, retrying",
        );
        await sleep(this.clock, delay);
      }
    }
    if (this.options.telemetry?.tracing !== false || this.options.telemetry?.metrics !== false) {
      const api = await loadOpenTelemetry(this.options.telemetry?.api);
      if (api) {
        // The SDK behind the API is user code: a provider that throws means no telemetry, not no producer.
        this.telemetry = this.userCode.run(
          "telemetry",
          () =>
            new ProducerTelemetry(
              api,
              transport.name,
              this.options.clientId,
              this.options.telemetry ?? {},
              () => this.buffer.usedBytes,
              (error) => this.userCode.threw("telemetry", error),
            ),
          undefined,
        );
      }
    }
    this.caps = caps;
    this.partitioner =
      this.parts.partitioner ?? this.parts.resolveDefaultPartitioner(caps.defaultPartitioner);
    this.maxRecords = Math.max(
      1,
      Math.min(this.options.batchMaxRecords ?? caps.maxBatchRecords, caps.maxBatchRecords),
    );
    this.maxBytes = Math.max(
      1,
      Math.min(this.options.batchMaxBytes ?? caps.maxBatchBytes, caps.maxBatchBytes),
    );
    this.maxMessageBytes = Math.min(caps.maxMessageBytes, this.options.bufferMaxBytes);
    this.maxInFlight = this.options.maxInFlightPerPartition ?? Math.max(1, caps.orderedInFlight);
    this.transportRetries = caps.retries === "transport";
    this.partitionCache = new PartitionCache(
      transport,
      this.options.metadataMaxAgeMs,
      this.options.retry,
      this.clock,
    );
    transport.onBackpressure?.((state) => this.onTransportBackpressure(state));
    this.logger.info({ transport: transport.describe?.() ?? transport.name }, "producer connected");
  }

  // ---------------------------------------------------------------- send

  send<V = unknown>(message: OutboundMessage<V>): Promise<DeliveryReport> {
    return this.sendSafely(message as OutboundMessage, undefined);
  }

  sendSerialized(
    message: OutboundMessage<Uint8Array>,
    options: { contentType?: string; deadLetter?: boolean } = {},
  ): Promise<DeliveryReport> {
    return this.sendSafely(message as OutboundMessage, {
      contentType: options?.contentType ?? "application/octet-stream",
      deadLetterable: options?.deadLetter !== false,
    });
  }

  /** Every message's clock starts at its own `send()`: no connect attempt is waited for first. */
  async sendMany<V = unknown>(messages: readonly OutboundMessage<V>[]): Promise<SendSettled[]> {
    if (!Array.isArray(messages)) {
      throw new OutboundError("INVALID_MESSAGE", "sendMany expects an array of messages", {
        transport: this.transportName,
      });
    }
    const sends: Promise<DeliveryReport>[] = new Array(messages.length);
    for (let i = 0; i < messages.length; i++) sends[i] = this.send(messages[i]!);
    const settled = await Promise.allSettled(sends);
    return settled.map((s) =>
      s.status === "fulfilled"
        ? { status: "fulfilled", value: s.value }
        : {
            status: "rejected",
            reason: toOutboundError(s.reason, "INTERNAL", { transport: this.transportName }),
          },
    );
  }

  /** `send()` never throws: whatever goes wrong, even inside the engine, rejects this message only. */
  private sendSafely(message: OutboundMessage, raw: RawSend | undefined): Promise<DeliveryReport> {
    try {
      return this.sendInternal(message, raw, false, this.clock.now());
    } catch (error) {
      return this.refuse(message, undefined, error);
    }
  }

  private sendInternal(
    message: OutboundMessage,
    raw: RawSend | undefined,
    accepted: boolean,
    startedAt: number,
  ): Promise<DeliveryReport> {
    if (this.closing && !accepted) return Promise.reject(this.closedError());
    if (!this.caps) return this.sendAfterConnect(message, raw, startedAt);
    this.metricsRecorder.sent++;
    let record: PendingRecord;
    let serialized: unknown;
    try {
      const value = readValue(message, this.transportName);
      raw ??= this.rawFor(value);
      // Under overload most sends are refused. When the value's bytes go out as they are and the
      // buffer cannot hold even them, refuse before building the record, span and serializer work.
      if (
        this.options.onBufferFull === "reject" &&
        !this.deadLetterSink &&
        (raw !== undefined || this.parts.serializer === bytesSerializer) &&
        value instanceof Uint8Array &&
        this.buffer.usedBytes + value.byteLength > this.buffer.maxBytes
      ) {
        return this.refuse(message, undefined, this.bufferFull());
      }
      record = readMessage(
        message,
        this.caps,
        this.transportName,
        raw ? raw.contentType : this.parts.serializer.contentType,
        raw ? raw.deadLetterable : true,
        startedAt,
      );
      serialized = this.begin(record, raw, value);
    } catch (error) {
      return this.refuse(message, undefined, error);
    }
    const count = this.partitionCache!.cached(record.topic);
    if (!(serialized instanceof Promise) && count !== undefined) {
      try {
        this.place(record, serialized, count);
      } catch (error) {
        return this.refuse(message, record, error);
      }
      if (this.buffer.tryReserve(record.sizeBytes)) return this.enqueue(record);
      if (this.options.onBufferFull === "reject") return this.refuse(message, record, this.bufferFull());
      return this.admitSlowly(record, true, undefined);
    }
    return this.admitSlowly(record, false, serialized);
  }

  /**
   * Registers a send that is accepted but not yet in a lane, so flush() waits for it and a
   * forced close() can cancel it: `cancelled` rejects then. The caller deletes `entry` when done.
   */
  private startAdmission(
    message: OutboundMessage,
    startedAt: number,
    waitingFor: string,
  ): { cancelled: Promise<never>; entry: AdmittingEntry } {
    let cancel: (e: OutboundError) => void = () => {};
    const cancelled = new Promise<never>((_, reject) => {
      cancel = reject;
    });
    cancelled.catch(() => undefined);
    const entry: AdmittingEntry = { message, reject: cancel, waitingFor, deadlineTimer: undefined };
    // Every phase before the lane (connect, serializer, partition lookup, buffer space) runs
    // inside the message's own deadline, whatever the transport's own timeouts are.
    const deadline = startedAt + this.deliveryTimeoutMs;
    entry.deadlineTimer = this.clock.setTimeout(
      () => cancel(this.notSentInTime(entry, startedAt)),
      Math.max(0, Math.ceil(deadline - this.clock.now())),
    );
    this.admitting.add(entry);
    return { cancelled, entry };
  }

  private endAdmission(entry: AdmittingEntry): void {
    this.clock.clearTimeout(entry.deadlineTimer);
    this.admitting.delete(entry);
  }

  /** The deadline passed before the message reached a lane: nothing was sent. */
  private notSentInTime(entry: AdmittingEntry, startedAt: number): OutboundError {
    const waitingForConnect = entry.waitingFor === "the connection to the broker";
    const last = waitingForConnect ? this.lastConnectError : undefined;
    return new OutboundError(
      "TIMEOUT",
      `not sent within deliveryTimeoutMs (${this.deliveryTimeoutMs} ms, ${Math.round(this.clock.now() - startedAt)} ms elapsed): still waiting for ${entry.waitingFor}${last ? `; last connect error: ${last.reason}` : ""}; nothing was sent`,
      { transport: this.transportName, kind: "retriable", cause: last },
    );
  }

  /**
   * A send made before the first connect finished. It counts as accepted: flush() waits for it,
   * close() delivers it or returns it.
   */
  private async sendAfterConnect(
    message: OutboundMessage,
    raw: RawSend | undefined,
    startedAt: number,
  ): Promise<DeliveryReport> {
    const { cancelled, entry } = this.startAdmission(message, startedAt, "the connection to the broker");
    try {
      await Promise.race([this.connect(), cancelled]);
    } catch (error) {
      this.endAdmission(entry);
      const refused = this.refuse(message, undefined, error);
      this.checkIdle();
      return refused;
    }
    this.endAdmission(entry);
    return this.sendInternal(message, raw, true, startedAt);
  }

  /**
   * kafkajs users send Buffers: under the default JSON serializer bytes go out as bytes, never
   * as JSON's {"type":"Buffer","data":[...]} or a Uint8Array's {"0":120,...}.
   */
  private rawFor(value: unknown): RawSend | undefined {
    return value instanceof Uint8Array && this.parts.serializer === jsonSerializer
      ? BYTES_UNDER_JSON
      : undefined;
  }

  /**
   * Everything that can be done before the value is bytes, for a message `readMessage`
   * accepted: the broker's pause, the span and its trace context, and starting
   * serialization (synchronously when the serializer is synchronous, so a burst of sends fills
   * one batch). Returns the serialized value or its promise.
   */
  private begin(record: PendingRecord, raw: RawSend | undefined, value: unknown): unknown {
    const name = this.transportName;
    if (this.paused.paused && this.options.onBufferFull === "reject") {
      this.metricsRecorder.rejectedBufferFull++;
      throw new OutboundError(
        "BUFFER_FULL",
        `the broker asked producers to wait (${this.paused.reason ?? "paused"})`,
        {
          transport: name,
        },
      );
    }
    if (this.telemetry) {
      // Only a broker with a header limit needs the count, and only if there are headers at all.
      const max = this.caps!.headers.maxCount;
      const given = max === undefined || record.headers === NO_HEADERS ? [] : Object.keys(record.headers);
      record.span = this.telemetry.startSend(record);
      const names = max === undefined || record.headers === NO_HEADERS ? [] : Object.keys(record.headers);
      if (max !== undefined && names.length > max) {
        const injected = names.filter((h) => !given.includes(h));
        throw new OutboundError(
          "INVALID_MESSAGE",
          `${names.length} headers, including the trace context (${injected.join(", ")}), exceed ${name}'s limit of ${max} per message`,
          { transport: name },
        );
      }
    }
    return raw ? value : serializeValue(this.parts.serializer, record, value, name);
  }

  /** Gives the record its bytes and partition; throws for size and partition errors. */
  private place(record: PendingRecord, value: unknown, count: number): void {
    // Once there are bytes, a failure can still be dead-lettered.
    fillRecord(record, value, this.transportName);
    const oversize = tooLarge(record, this.maxMessageBytes, this.transportName);
    if (oversize) throw oversize;
    // -1 until placed when the message named no partition (see `readMessage`).
    const explicit = record.partition >= 0;
    record.partition = this.choosePartition(record, explicit, count);
    record.sticky = record.key === undefined && !explicit && !this.parts.partitionKeyless;
  }

  /**
   * BUFFER_FULL with `onBufferFull: "reject"`. Its stack is not captured: under overload this
   * error is made for most sends, and capturing a stack was the largest part of its cost.
   */
  private bufferFull(): OutboundError {
    this.metricsRecorder.rejectedBufferFull++;
    this.emitBackpressure(true, "buffer full");
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new OutboundError(
        "BUFFER_FULL",
        `buffer full: ${this.buffer.usedBytes} of ${this.buffer.maxBytes} bytes in use (onBufferFull: "reject")`,
        { transport: this.transportName },
      );
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** The slow path: waits for the serializer, the topic's partition count or buffer space. */
  private async admitSlowly(
    record: PendingRecord,
    placed: boolean,
    serialized: unknown,
  ): Promise<DeliveryReport> {
    const message = record.message;
    const { cancelled, entry } = this.startAdmission(message, record.startedAt, "the serializer");
    try {
      if (!placed) {
        const value = await Promise.race([serialized, cancelled]);
        entry.waitingFor = `the partition count of ${record.topic}`;
        const deadline = record.startedAt + this.options.deliveryTimeoutMs;
        const count = await Promise.race([this.partitionCache!.get(record.topic, deadline), cancelled]);
        this.place(record, value, count);
      }
      entry.waitingFor = "buffer space";
      await this.reserveBuffer(record.sizeBytes, cancelled);
    } catch (error) {
      this.endAdmission(entry);
      const refused = this.refuse(message, record, error);
      this.checkIdle();
      return refused;
    }
    this.endAdmission(entry);
    // From here the message is pending: it settles through fail() or succeed() exactly once.
    return this.enqueue(record);
  }

  /** Fails a message that never reached a lane; dead-letters it when its bytes exist. */
  private refuse(
    message: OutboundMessage,
    record: PendingRecord | undefined,
    error: unknown,
  ): Promise<never> {
    const e = toOutboundError(error, "INTERNAL", { transport: this.transportName });
    this.metricsRecorder.failed++;
    // The record's topic, never the message's: reading a hostile message again could throw.
    this.telemetry?.ended(record?.span, record?.topic ?? "", undefined, e);
    if (record?.placed && record.deadLetterable && this.deadLetterWanted(e, message)) {
      return this.deadLetter(message, record, e, 1, this.clock.epochMs()).then((final) => {
        this.emitIf("failure", { message, error: final });
        throw final;
      });
    }
    this.emitIf("failure", { message, error: e });
    return Promise.reject(e);
  }

  /** Waits for buffer space per `onBufferFull`; gives the space back if close() cancels the wait. */
  private async reserveBuffer(bytes: number, cancelled: Promise<never>): Promise<void> {
    if (this.buffer.tryReserve(bytes)) return;
    if (this.options.onBufferFull === "reject") throw this.bufferFull();
    this.metricsRecorder.blockedSends++;
    this.emitBackpressure(true, "buffer full");
    const reservation = this.buffer.reserve(bytes, this.options.maxBlockMs);
    try {
      await Promise.race([reservation, cancelled]);
    } catch (error) {
      reservation.then(
        () => this.buffer.release(bytes),
        () => undefined,
      );
      throw error;
    }
  }

  /** Partition for a record: explicit, then the partitioner for keys, then sticky for keyless. */
  private choosePartition(record: PendingRecord, explicit: boolean, count: number): number {
    const caps = this.caps!;
    const key = record.key;
    if (explicit) {
      if (record.partition >= count) {
        throw new OutboundError(
          "INVALID_MESSAGE",
          `partition ${record.partition} does not exist: ${record.topic} has ${count} partition(s)`,
          { transport: this.transportName },
        );
      }
      return record.partition;
    }
    if (!caps.partitioned || count <= 1) return 0;
    if (key !== undefined || this.parts.partitionKeyless) {
      const partitioner = this.partitioner!;
      let p: number;
      try {
        p = partitioner.partition({ topic: record.topic, key, partitions: count });
      } catch (error) {
        // The partitioner runs for this message only: its throw fails this message, typed.
        throw new OutboundError(
          "INVALID_MESSAGE",
          `partitioner ${partitioner.name} threw for a message to ${record.topic}: ${error instanceof Error ? error.message : String(error)}`,
          { transport: this.transportName, cause: error },
        );
      }
      if (!Number.isInteger(p) || p < 0 || p >= count) {
        throw new OutboundError(
          "INVALID_MESSAGE",
          `partitioner ${partitioner.name} returned ${String(p)} for a topic with ${count} partitions`,
          { transport: this.transportName },
        );
      }
      return p;
    }
    return this.sticky.current(record.topic, count);
  }

  private enqueue(record: PendingRecord): Promise<DeliveryReport> {
    const promise = new Promise<DeliveryReport>((resolve, reject) => {
      record.resolve = resolve;
      record.reject = reject;
    });
    this.pendingCount++;
    this.watchDeadline(record.startedAt + this.deliveryTimeoutMs);
    const lane = this.laneFor(record.topic, record.partition);
    lane.push(record);
    this.scheduleDrain(lane);
    return promise;
  }

  private laneFor(topic: string, partition: number): Lane {
    // Looked up by topic, then partition index: no key string per message.
    let byPartition = this.lanesByTopic.get(topic);
    if (!byPartition) {
      byPartition = [];
      this.lanesByTopic.set(topic, byPartition);
    }
    let lane = byPartition[partition];
    if (!lane) {
      lane = new Lane(topic, partition, this.clock);
      byPartition[partition] = lane;
      this.lanes.push(lane);
    }
    return lane;
  }

  // ---------------------------------------------------------------- drain and dispatch

  /** Drains dirty lanes after the current burst of synchronous sends. */
  private scheduleDrain(lane: Lane): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    this.dirtyLanes.push(lane);
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainDirty);
    }
  }

  private readonly drainDirty = (): void => {
    this.drainQueued = false;
    const lanes = this.dirtyLanes;
    this.dirtyLanes = [];
    for (const lane of lanes) {
      lane.scheduled = false;
      this.drain(lane);
    }
  };

  private drain(lane: Lane): void {
    if (this.paused.paused || !this.transport) return;
    const linger = this.options.lingerMs;
    while (lane.inFlight < this.maxInFlight && lane.queue.length > 0) {
      const now = this.clock.now();
      if (now < lane.retryAt) {
        this.wakeLane(lane, lane.retryAt);
        return;
      }
      const head = lane.queue.peek()!;
      const ready =
        linger === 0 ||
        this.flushing > 0 ||
        this.closing ||
        head.attempt > 1 ||
        lane.queue.length >= this.maxRecords ||
        lane.queuedBytes >= this.maxBytes ||
        now - head.startedAt >= linger;
      if (!ready) {
        this.wakeLane(lane, head.startedAt + linger);
        return;
      }
      const records = this.takeBatch(lane, now);
      if (records.length > 0) this.dispatch(lane, records, now);
    }
  }

  private wakeLane(lane: Lane, at: number): void {
    if (lane.wakeTimer && lane.wakeAt <= at) return;
    lane.clearWake();
    lane.wakeAt = at;
    lane.wakeTimer = this.clock.setTimeout(
      () => {
        lane.wakeTimer = undefined;
        lane.wakeAt = 0;
        this.drain(lane);
      },
      Math.max(0, Math.ceil(at - this.clock.now())),
    );
  }

  /** Cuts a batch from the lane's head within the record and byte limits, failing expired records. */
  private takeBatch(lane: Lane, now: number): PendingRecord[] {
    const batch: PendingRecord[] = [];
    let bytes = 0;
    while (batch.length < this.maxRecords) {
      const head = lane.queue.peek();
      if (!head) break;
      if (batch.length > 0 && bytes + head.sizeBytes > this.maxBytes) break;
      lane.shift();
      if (head.settled) continue;
      if (now >= head.startedAt + this.deliveryTimeoutMs) {
        this.fail(head, this.expiredError(head, now));
        continue;
      }
      batch.push(head);
      bytes += head.sizeBytes;
    }
    return batch;
  }

  private dispatch(lane: Lane, records: PendingRecord[], now: number): void {
    const transport = this.transport!;
    lane.inFlight++;
    let earliest = Number.POSITIVE_INFINITY;
    let bytes = 0;
    let stickyUsed = false;
    const batchRecords: OutboundRecord[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const p = records[i]!;
      if (p.startedAt < earliest) earliest = p.startedAt;
      bytes += p.sizeBytes;
      if (p.sticky) stickyUsed = true;
      batchRecords[i] = p;
    }
    if (this.telemetry) {
      const partitioned = this.caps!.partitioned;
      for (const p of records) this.telemetry.onDispatch(p.span, lane.partition, partitioned, records.length);
    }
    // Keyless messages move to another partition once a batch for this one is on its way.
    if (stickyUsed) {
      const count = this.partitionCache?.cached(lane.topic);
      if (count !== undefined && count > 1) this.sticky.next(lane.topic, count, lane.partition);
    }
    // A transport that retries itself gets the time to the batch's deadline; the engine's own
    // timer then only ends what the transport did not settle by then.
    const untilDeadline = Math.ceil(earliest + this.deliveryTimeoutMs - now);
    const timeoutMs = Math.max(
      1,
      this.transportRetries ? untilDeadline : Math.min(this.options.requestTimeoutMs, untilDeadline),
    );
    const request = this.transportRetries
      ? new InFlightRequest(
          lane,
          records,
          now,
          timeoutMs,
          this.requestHooks,
          this.options.requestTimeoutMs,
          this.options.retry,
        )
      : new InFlightRequest(lane, records, now, timeoutMs, this.requestHooks);
    this.inFlight.add(request);
    this.watchRequest(request.expiresAt);
    this.metricsRecorder.requests++;
    this.metricsRecorder.batchRecords.record(records.length);
    this.metricsRecorder.batchBytes.record(bytes);
    let result: Promise<RecordResult[]>;
    try {
      result = transport.send(
        {
          topic: lane.topic,
          partition: lane.partition,
          acks: this.options.acks,
          records: batchRecords,
          schema: this.parts.serializer.schema,
        },
        request,
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (results) => this.onRequestDone(request, results, undefined),
      (error: unknown) =>
        this.onRequestDone(
          request,
          undefined,
          toOutboundError(error, "BROKER_UNAVAILABLE", {
            transport: transport.name,
            kind: "unknown-outcome",
          }),
        ),
    );
  }

  /**
   * A record the transport reported before its request finished. Successes settle now, so their
   * callers can send again while the request is still out; failures wait for the request's end,
   * where retries are put back in order.
   */
  private readonly requestHooks: RequestHooks = {
    onRecord: (request, index, result) => {
      if (request.done || result?.ok !== true) return;
      const p = request.records[index];
      if (p === undefined || p.settled) return;
      this.succeed(p, result, this.clock.now());
    },
    // A transport that retries itself resends the same records: count the attempt on each.
    onRetry: (request, error, delayMs) => {
      const retried: PendingRecord[] = [];
      for (const p of request.records) {
        if (p.settled) continue;
        p.attempt++;
        p.lastError = error;
        p.firstFailureAt ??= this.clock.epochMs();
        retried.push(p);
      }
      this.countRetries(request.lane, retried, error, delayMs);
    },
  };

  /**
   * One timer watches every request in flight, armed for the earliest expiry: a timer per
   * request cost more than the rest of a small request's bookkeeping together.
   */
  private watchRequest(expiresAt: number): void {
    const timer = this.requestTimer;
    if (timer !== undefined) {
      if (this.requestTimerAt <= expiresAt) {
        if (!timer.hasRef()) timer.ref();
        return;
      }
      this.clock.clearTimeout(timer);
    }
    this.requestTimerAt = expiresAt;
    this.requestTimer = this.clock.setTimeout(
      this.onRequestTimer,
      Math.max(0, Math.ceil(expiresAt - this.clock.now())),
    );
  }

  /**
   * With nothing in flight the timer stays armed (re-arming per request is what it saves) but
   * stops holding the process open, as a finished request's own timer would have been cleared.
   */
  private releaseRequestTimer(): void {
    if (this.inFlight.size === 0) this.requestTimer?.unref();
  }

  private readonly onRequestTimer = (): void => {
    this.requestTimer = undefined;
    // Timers may fire a fraction of a millisecond before the clock reaches the expiry they were set for.
    const now = this.clock.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const request of this.inFlight) {
      if (request.expiresAt <= now) this.onRequestTimeout(request);
      else if (request.expiresAt < next) next = request.expiresAt;
    }
    // Timeouts can lead to new requests (retries), which armed their own timer.
    if (next !== Number.POSITIVE_INFINITY) this.watchRequest(next);
  };

  private onRequestTimeout(request: InFlightRequest): void {
    if (request.done) return;
    request.abort();
    const error = new OutboundError(
      "TIMEOUT",
      `no answer from the broker within ${request.timeoutMs} ms for ${request.records.length} record(s) to ${request.lane.topic}; the broker may hold them`,
      { transport: this.transportName, kind: "unknown-outcome" },
    );
    this.onRequestDone(request, undefined, error);
  }

  // ---------------------------------------------------------------- completion

  private onRequestDone(
    request: InFlightRequest,
    results: RecordResult[] | undefined,
    error: OutboundError | undefined,
  ): void {
    if (request.done) return;
    request.done = true;
    this.inFlight.delete(request);
    this.releaseRequestTimer();
    const { lane, records } = request;
    lane.inFlight--;
    this.telemetry?.request(lane.topic, records.length, (this.clock.now() - request.startedAt) / 1000, error);
    if (results !== undefined && (!Array.isArray(results) || results.length !== records.length)) {
      error = new OutboundError(
        "PROTOCOL_ERROR",
        `transport returned ${Array.isArray(results) ? results.length : "no"} results for ${records.length} records`,
        { transport: this.transportName, kind: "unknown-outcome" },
      );
      results = undefined;
    }
    const now = this.clock.now();
    const retry: PendingRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const p = records[i]!;
      if (p.settled) continue;
      const r = results ? results[i]! : undefined;
      if (r?.ok) this.succeed(p, r, now);
      else if (this.transportRetries) this.failFinal(p, r ? r.error : error!);
      else this.handleFailure(p, r ? r.error : error!, now, retry);
    }
    if (retry.length > 0) this.scheduleRetry(lane, retry, now);
    if (lane.queue.length > 0) this.drain(lane);
    this.checkIdle();
  }

  private handleFailure(p: PendingRecord, error: OutboundError, now: number, retry: PendingRecord[]): void {
    const e =
      error instanceof OutboundError
        ? error
        : toOutboundError(error, "INTERNAL", { transport: this.transportName });
    p.lastError = e;
    p.firstFailureAt ??= this.clock.epochMs();
    this.forgetPartitionsOn(e, p.topic);
    // The one draw for this retry: the deadline check and the wait use the same delay.
    const nextDelay = backoffDelay(this.options.retry, p.attempt);
    if (isRetried(e) && !this.forced && now + nextDelay < p.startedAt + this.deliveryTimeoutMs) {
      p.retryDelayMs = nextDelay;
      retry.push(p);
      return;
    }
    if (isRetried(e) && now + nextDelay >= p.startedAt + this.deliveryTimeoutMs) {
      this.fail(
        p,
        new OutboundError(
          e.code === "TIMEOUT" ? "TIMEOUT" : e.code,
          `${e.reason} (gave up after ${p.attempt} attempt(s): deliveryTimeoutMs ${this.options.deliveryTimeoutMs} ms would pass before the next retry)`,
          {
            transport: this.transportName,
            kind: e.kind,
            cause: e,
            brokerCode: e.brokerCode,
            details: { attempts: p.attempt },
          },
        ),
      );
      return;
    }
    this.fail(p, e);
  }

  /** A failure the transport reports as final (it did its own retries): no retry here. */
  private failFinal(p: PendingRecord, error: OutboundError): void {
    p.lastError =
      error instanceof OutboundError
        ? error
        : toOutboundError(error, "INTERNAL", { transport: this.transportName });
    p.firstFailureAt ??= this.clock.epochMs();
    this.forgetPartitionsOn(p.lastError, p.topic);
    this.fail(p, p.lastError);
  }

  /**
   * The broker says the topic or partition does not exist: the cached partition count is wrong
   * (the topic was deleted, or recreated with fewer partitions), so the next send looks it up
   * again instead of trusting it until metadataMaxAgeMs, as Java's producer requests a metadata
   * update on UNKNOWN_TOPIC_OR_PARTITION.
   */
  private forgetPartitionsOn(error: OutboundError, topic: string): void {
    if (error.code === "UNKNOWN_DESTINATION") this.partitionCache?.invalidate(topic);
  }

  private countRetries(lane: Lane, retry: PendingRecord[], error: OutboundError, delay: number): void {
    this.metricsRecorder.retries += retry.length;
    this.telemetry?.retried(lane.topic, retry.length);
    if (this.listenerCount("retry") > 0) {
      for (const p of retry) {
        this.userCode.emit(
          "retry",
          { message: p.message, error, attempt: p.attempt, delayMs: delay },
          "retry listener",
        );
      }
    }
  }

  private scheduleRetry(lane: Lane, retry: PendingRecord[], now: number): void {
    let attempt = 1;
    let delay = 0;
    for (const p of retry) {
      p.attempt++;
      if (p.attempt > attempt) attempt = p.attempt;
      // The delay each record's deadline check was made with; the lane waits for the longest.
      if (p.retryDelayMs > delay) delay = p.retryDelayMs;
    }
    lane.retryAt = Math.max(lane.retryAt, now + delay);
    lane.requeueFront(retry);
    this.countRetries(lane, retry, retry[0]!.lastError!, delay);
    this.logger.debug(
      {
        topic: lane.topic,
        partition: lane.partition,
        records: retry.length,
        attempt,
        delayMs: delay,
        error: retry[0]!.lastError?.message,
      },
      "retrying",
    );
  }

  private succeed(p: PendingRecord, r: RecordSuccess, now: number): void {
    p.settled = true;
    this.release(p);
    const report: DeliveryReport = {
      topic: p.topic,
      partition: r.partition ?? (this.caps!.partitioned ? p.partition : undefined),
      offset: r.offset,
      messageId: r.messageId,
      timestamp: r.timestamp ?? p.timestamp,
      attempts: p.attempt,
      acknowledged: r.acknowledged ?? this.options.acks !== "none",
      latencyMs: now - p.startedAt,
    };
    this.metricsRecorder.acked++;
    this.metricsRecorder.latency.record(report.latencyMs);
    this.telemetry?.ended(p.span, p.topic, report, undefined);
    p.resolve(report);
    if (this.listenerCount("ack") > 0)
      this.userCode.emit("ack", { message: p.message, report }, "ack listener");
  }

  private fail(p: PendingRecord, error: OutboundError): void {
    if (p.settled) return;
    p.settled = true;
    this.release(p);
    this.metricsRecorder.failed++;
    this.metricsRecorder.latency.record(this.clock.now() - p.startedAt);
    this.telemetry?.ended(p.span, p.topic, undefined, error);
    this.logger.warn(
      { topic: p.topic, code: error.code, kind: error.kind, attempts: p.attempt },
      `message not delivered: ${error.message}`,
    );
    if (p.deadLetterable && this.deadLetterWanted(error, p.message)) {
      const firstFailure = p.firstFailureAt ?? this.clock.epochMs();
      this.deadLetter(p.message, p, error, p.attempt, firstFailure).then((final) => {
        p.reject(final);
        this.emitIf("failure", { message: p.message, error: final });
      });
      return;
    }
    p.reject(error);
    this.emitIf("failure", { message: p.message, error });
  }

  // ---------------------------------------------------------------- dead letters

  private deadLetterWanted(error: OutboundError, message: OutboundMessage): boolean {
    const options = this.options.deadLetter;
    if (!this.deadLetterSink || !options) return false;
    try {
      return options.when ? options.when(error, message) === true : defaultDeadLetterPredicate(error);
    } catch (predicateError) {
      this.userCode.threw("deadLetter.when", predicateError);
      return false;
    }
  }

  /**
   * Writes the copy, then resolves with the error the caller's `send()` rejects with: the
   * original, saying where the copy went, or carrying the sink's own error as well.
   */
  private deadLetter(
    message: OutboundMessage,
    record: OutboundRecord,
    error: OutboundError,
    attempts: number,
    firstFailureAt: number,
  ): Promise<OutboundError> {
    const sink = this.deadLetterSink!;
    this.deadLettering++;
    const entry: DeadLetterEntry = {
      message,
      topic: record.topic,
      partition: this.caps?.partitioned ? record.partition : undefined,
      key: record.key,
      value: record.value,
      headers: record.headers,
      contentType: record.contentType,
      error,
      attempts,
      firstFailureAt,
    };
    let written: Promise<string>;
    try {
      written = sink.write(entry);
    } catch (sinkError) {
      written = Promise.reject(sinkError);
    }
    return written
      .then(
        (destination) => {
          this.metricsRecorder.deadLettered++;
          this.telemetry?.deadLetter(record.topic);
          this.logger.warn({ topic: record.topic, destination, code: error.code }, "message dead-lettered");
          return withDeadLetter(error, { destination }, `dead-lettered to ${destination}`);
        },
        (sinkError: unknown) => {
          const e = toOutboundError(sinkError, "INTERNAL", {
            context: `dead-letter write to ${sink.description} failed`,
          });
          this.logger.error(
            { topic: record.topic, sink: sink.description, error: e.message },
            "dead-letter write failed",
          );
          return withDeadLetter(
            error,
            { error: e },
            `and the dead-letter write to ${sink.description} failed too: ${e.reason}`,
          );
        },
      )
      .finally(() => {
        this.deadLettering--;
        this.checkIdle();
      });
  }

  private release(p: PendingRecord): void {
    this.pendingCount--;
    this.buffer.release(p.sizeBytes);
  }

  private expiredError(p: PendingRecord, now: number): OutboundError {
    const mayBeHeld = p.lastError?.kind === "unknown-outcome";
    const last = p.lastError ? `; last error: ${p.lastError.reason}` : "";
    return new OutboundError(
      "TIMEOUT",
      `not delivered within deliveryTimeoutMs (${this.options.deliveryTimeoutMs} ms, ${Math.round(now - p.startedAt)} ms elapsed, ${p.attempt} attempt(s))${last}`,
      {
        transport: this.transportName,
        kind: mayBeHeld ? "unknown-outcome" : "retriable",
        cause: p.lastError,
      },
    );
  }

  // ---------------------------------------------------------------- deadlines

  /**
   * Arms the deadline timer for `at` unless it already fires earlier. New sends have later
   * deadlines than the armed one, so on the hot path this is one comparison.
   */
  private watchDeadline(at: number): void {
    if (this.deadlineTimer !== undefined) {
      if (this.deadlineTimerAt <= at) return;
      this.clock.clearTimeout(this.deadlineTimer);
    }
    this.deadlineTimerAt = at;
    this.deadlineTimer = this.clock.setTimeout(
      this.onDeadline,
      Math.max(0, Math.ceil(at - this.clock.now())),
    );
    // It does not hold the process open by itself: a request in flight does, through its own timer.
    this.deadlineTimer.unref?.();
  }

  /**
   * Fails queued records whose deadline passed even when their lane cannot send (paused,
   * backoff, in-flight limit), then re-arms for the earliest remaining head. Records sit in a
   * lane in the order they were accepted (retries go back to the front), so heads are the
   * earliest deadlines.
   */
  private readonly onDeadline = (): void => {
    this.deadlineTimer = undefined;
    // Timers may fire a fraction of a millisecond early; a deadline within 1 ms counts as reached.
    const now = this.clock.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      let head = lane.queue.peek();
      while (head && (head.settled || now >= head.startedAt + this.deliveryTimeoutMs)) {
        lane.shift();
        if (!head.settled) this.fail(head, this.expiredError(head, this.clock.now()));
        head = lane.queue.peek();
      }
      if (head && head.startedAt + this.deliveryTimeoutMs < next)
        next = head.startedAt + this.deliveryTimeoutMs;
    }
    if (next !== Number.POSITIVE_INFINITY) this.watchDeadline(Math.max(next, now - 1 + DEADLINE_TICK_MS));
    this.checkIdle();
  };

  private stopDeadlineTimer(): void {
    if (this.deadlineTimer !== undefined) this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  // ---------------------------------------------------------------- backpressure

  private onTransportBackpressure(state: BackpressureState): void {
    const wasPaused = this.paused.paused;
    this.paused = state;
    if (wasPaused === state.paused) return;
    this.logger.warn(
      { paused: state.paused, reason: state.reason },
      state.paused ? "broker asked to pause" : "broker resumed",
    );
    this.emitBackpressure(
      state.paused,
      state.reason ?? (state.paused ? "transport paused" : "transport resumed"),
    );
    if (!state.paused) for (const lane of this.lanes) if (lane.queue.length > 0) this.scheduleDrain(lane);
  }

  private emitBackpressure(paused: boolean, reason: string): void {
    this.emitIf("backpressure", { paused, reason, bufferedBytes: this.buffer.usedBytes });
    // Buffer pressure can hit every send; say it at most once a second.
    const now = this.clock.now();
    if (paused && now - this.lastPressureLog >= 1000) {
      this.lastPressureLog = now;
      this.logger.warn(
        {
          reason,
          bufferedBytes: this.buffer.usedBytes,
          bufferMaxBytes: this.buffer.maxBytes,
          waiting: this.buffer.waiting,
        },
        `producer under backpressure: ${reason}`,
      );
    }
  }

  // ---------------------------------------------------------------- transactions

  private transactionChain: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    const run = this.transactionChain.then(() => this.runTransaction(work));
    this.transactionChain = run.catch(() => undefined);
    return run;
  }

  private async runTransaction<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    if (this.closing) throw this.closedError();
    await this.connect();
    const transport = this.transport!;
    if (!this.caps!.transactions || !transport.transaction) {
      throw new OutboundError(
        "UNSUPPORTED_FEATURE",
        `transactions: not supported by ${transport.name} as configured`,
        {
          transport: transport.name,
          details: { option: "transaction" },
        },
      );
    }
    const run = new TransactionRun(
      await transport.transaction(),
      transport.name,
      (message) => this.prepareTransactional(message),
      {
        deliveryTimeoutMs: this.deliveryTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        retry: this.options.retry,
      },
      this.clock,
      {
        accepted: () => {
          this.metricsRecorder.sent++;
        },
        settled: (record, report, error) => {
          if (report) {
            this.metricsRecorder.acked++;
            this.metricsRecorder.latency.record(report.latencyMs);
          } else {
            this.metricsRecorder.failed++;
          }
          this.telemetry?.ended((record as PendingRecord).span, record.topic, report, error);
        },
      },
    );
    let result: T;
    try {
      result = await work(run.handle);
    } catch (error) {
      await run.abort(error);
      throw error;
    }
    await run.commit();
    return result;
  }

  /**
   * Checks, serializes and partitions a message for a transaction, outside the lanes. A message
   * refused here is counted and its span ended like any refused send (without a dead letter: the
   * transaction fails instead).
   */
  private async prepareTransactional(message: OutboundMessage): Promise<OutboundRecord> {
    let record: PendingRecord | undefined;
    try {
      const value = readValue(message, this.transportName);
      const raw = this.rawFor(value);
      record = readMessage(
        message,
        this.caps!,
        this.transportName,
        raw ? raw.contentType : this.parts.serializer.contentType,
        true,
        this.clock.now(),
      );
      const serialized = await this.begin(record, raw, value);
      const deadline = record.startedAt + this.deliveryTimeoutMs;
      const count = await this.partitionCache!.get(record.topic, deadline);
      this.place(record, serialized, count);
      return record;
    } catch (error) {
      const e = toOutboundError(error, "INTERNAL", { transport: this.transportName });
      this.metricsRecorder.sent++;
      this.metricsRecorder.failed++;
      this.telemetry?.ended(record?.span, record?.topic ?? "", undefined, e);
      throw e;
    }
  }

  // ---------------------------------------------------------------- flush and close

  async flush(): Promise<void> {
    if (!this.caps && this.admitting.size === 0) return;
    this.flushing++;
    try {
      for (const lane of this.lanes) if (lane.queue.length > 0) this.drain(lane);
      await this.idle();
    } finally {
      this.flushing--;
    }
  }

  /**
   * Resolves once nothing is pending, after a macrotask turn, so every `send()` promise (some
   * wrap the settled one in further async steps) has settled before `flush()`/`close()` returns.
   */
  private async idle(): Promise<void> {
    if (this.pendingCount !== 0 || this.admitting.size !== 0 || this.deadLettering !== 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private checkIdle(): void {
    if (this.pendingCount !== 0 || this.admitting.size !== 0 || this.deadLettering !== 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }

  private forced = false;

  close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    if (!this.closeResult)
      this.closeResult = this.closeOnce(options.timeoutMs ?? this.options.closeTimeoutMs);
    return this.closeResult;
  }

  private async closeOnce(timeoutMs: number): Promise<CloseResult> {
    const startedAt = this.clock.now();
    this.closing = true;
    for (const lane of this.lanes) if (lane.queue.length > 0) this.drain(lane);
    let timer: ClockTimer | undefined;
    const timedOut = await Promise.race([
      this.idle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = this.clock.setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    this.clock.clearTimeout(timer);
    const undelivered: Undelivered[] = timedOut ? this.forceClose(timeoutMs) : [];
    this.stopDeadlineTimer();
    if (this.requestTimer !== undefined) this.clock.clearTimeout(this.requestTimer);
    this.requestTimer = undefined;
    for (const lane of this.lanes) lane.clearWake();
    if (this.transport && this.connecting) {
      // close() keeps its own timeout too: a transport still dialling a silent broker would hold
      // it for its connect timeout. Past the budget the transport goes on closing by itself;
      // every message has settled by then.
      const remainingMs = Math.max(0, timeoutMs - (this.clock.now() - startedAt));
      await withTimeout(this.clock, this.transport.close(), remainingMs).catch((error: unknown) => {
        this.logger.warn({ error: String(error) }, "transport close failed or outlasted close's timeout");
      });
    }
    this.logger.info({ undelivered: undelivered.length }, "producer closed");
    return { undelivered };
  }

  /** Fails everything still pending when close() gives up, and returns it to the caller. */
  private forceClose(timeoutMs: number): Undelivered[] {
    this.forced = true;
    const undelivered: Undelivered[] = [];
    const closedBeforeSend = new OutboundError(
      "CLOSED",
      `producer closed before the message was sent (close timeout ${timeoutMs} ms)`,
      { transport: this.transportName, kind: "retriable" },
    );
    for (const entry of [...this.admitting]) {
      this.admitting.delete(entry);
      undelivered.push({ message: entry.message, error: closedBeforeSend });
      entry.reject(closedBeforeSend);
    }
    this.buffer.rejectAll(closedBeforeSend);
    for (const request of [...this.inFlight]) {
      request.done = true;
      request.abort();
      this.inFlight.delete(request);
      request.lane.inFlight--;
      const error = new OutboundError(
        "TIMEOUT",
        `producer closed while the message was in flight (close timeout ${timeoutMs} ms); the broker may hold it`,
        { transport: this.transportName, kind: "unknown-outcome" },
      );
      for (const p of request.records) {
        if (p.settled) continue;
        undelivered.push({ message: p.message, error });
        this.fail(p, error);
      }
    }
    for (const lane of this.lanes) {
      for (const p of lane.queue.drainAll()) {
        if (p.settled) continue;
        const error = p.lastError?.kind === "unknown-outcome" ? p.lastError : closedBeforeSend;
        undelivered.push({ message: p.message, error });
        this.fail(p, error);
      }
      lane.queuedBytes = 0;
    }
    this.checkIdle();
    return undelivered;
  }

  private closedError(): OutboundError {
    return new OutboundError("CLOSED", "producer is closed", { transport: this.transportName });
  }

  // ---------------------------------------------------------------- observation

  metrics(): ProducerMetrics {
    return this.metricsRecorder.snapshot({
      pending: this.pendingCount + this.admitting.size,
      callbackErrors: this.userCode.errors,
      bufferedBytes: this.buffer.usedBytes,
      bufferMaxBytes: this.buffer.maxBytes,
      inFlightRequests: this.inFlight.size,
    });
  }

  describeConfig(): Record<string, unknown> {
    return describeConfig(this.parts.parsed);
  }

  get capabilities(): Capabilities | undefined {
    return this.caps;
  }

  async partitions(topic: string): Promise<number> {
    if (typeof topic !== "string" || topic.length === 0) {
      throw new OutboundError("INVALID_MESSAGE", "topic must be a non-empty string", {
        transport: this.transportName,
      });
    }
    const deadline = this.clock.now() + this.deliveryTimeoutMs;
    // The same promise a send makes: the answer within deliveryTimeoutMs, whatever the broker does.
    const lookup = this.connect().then(() => this.partitionCache!.get(topic, deadline));
    try {
      return await withTimeout(this.clock, lookup, this.deliveryTimeoutMs);
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw new OutboundError(
        "TIMEOUT",
        `no partition count for ${topic} within deliveryTimeoutMs (${this.deliveryTimeoutMs} ms)`,
        { transport: this.transportName, kind: "retriable", cause: this.lastConnectError ?? error },
      );
    }
  }

  /** Emits to the user's listeners, each contained: see {@link UserCode}. */
  private emitIf<E extends "failure" | "backpressure">(event: E, payload: ProducerEvents[E]): void {
    if (this.listenerCount(event) > 0) this.userCode.emit(event, payload, `${event} listener`);
  }

  override on<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

/** The same error, saying what became of its dead-letter copy. */
function withDeadLetter(error: OutboundError, outcome: DeadLetterOutcome, note: string): OutboundError {
  return new OutboundError(error.code, `${error.reason} (${note})`, {
    kind: error.kind,
    transport: error.transport,
    brokerCode: error.brokerCode,
    details: error.details,
    cause: error,
    deadLetter: outcome,
  });
}

function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T> {
  let timer: ClockTimer | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = clock.setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clock.clearTimeout(timer));
}
