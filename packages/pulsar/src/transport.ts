import {
  type Capabilities,
  type Logger,
  OutboundError,
  type OutboundRecord,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  silentLogger,
  type Transport,
} from "@outbound/core";
import { ClosedState, type TransportSettings, transportErrors } from "@outbound/core/transport";
import { pulsarCapabilities } from "./capabilities.js";
import { ConnectionPool } from "./client/connection-pool.js";
import { TopicLookup } from "./client/lookup.js";
import type { PendingSend, SendReceipt } from "./client/pending-send.js";
import { PartitionProducer, type PreparedMessage } from "./client/producer.js";
import { sameSchema } from "./client/producer-schema.js";
import { fullTopicName, partitionTopicName } from "./client/topic-name.js";
import type { ResolvedPulsarConfig } from "./config.js";
import { formatMessageId, pulsarError, TRANSPORT_NAME } from "./errors.js";
import { estimatedSize, mapRecord } from "./mapping.js";

const CLIENT_VERSION = "outbound-pulsar/0.1.0";
/** Room kept under the broker's message size for MessageMetadata and the batch framing. */
const SEND_OVERHEAD_BYTES = 16 * 1024;

/** Where a record went on an earlier attempt, so a retry can wait for that SEND instead of sending twice. */
interface Placement {
  send: PendingSend;
  batchIndex: number;
  partition: number;
}

/**
 * Outbound's Pulsar transport: a producer that speaks Pulsar's binary protocol directly.
 * One `PartitionProducer` per topic partition, connections pooled per broker.
 */
export class PulsarTransport implements Transport {
  readonly name = TRANSPORT_NAME;
  readonly capabilities: Capabilities;
  private readonly config: ResolvedPulsarConfig;
  private readonly logger: Logger;
  private readonly pool: ConnectionPool;
  private readonly lookup: TopicLookup;
  private readonly producers = new Map<string, PartitionProducer>();
  /**
   * What the broker said of each topic: whether it is partitioned, and into how many. Pulsar
   * names a partitioned topic's partitions `<topic>-partition-<n>` and a non-partitioned topic by
   * its own name, which the engine's count cannot tell apart (both are one partition to it); a
   * topic's kind is fixed when it is created. The count here serves only batches that carry none
   * (a batch from the engine brings its own, `RecordBatch.partitions`).
   */
  private readonly topics = new Map<string, { partitioned: boolean; count: number }>();
  private readonly placements = new WeakMap<OutboundRecord, Placement>();
  private nextProducerId = 1;
  private readonly state = new ClosedState(transportErrors(TRANSPORT_NAME));

  constructor(config: ResolvedPulsarConfig, settings: TransportSettings = {}) {
    const logger = settings.logger ?? silentLogger;
    this.config = config;
    this.logger = logger;
    this.pool = new ConnectionPool({
      token: config.token,
      tls: config.tls,
      connectTimeoutMs: config.connectionTimeoutMs,
      operationTimeoutMs: config.operationTimeoutMs,
      keepAliveIntervalMs: config.keepAliveIntervalMs,
      clientVersion: CLIENT_VERSION,
      logger,
    });
    this.lookup = new TopicLookup(this.pool, config.serviceUrl);
    this.capabilities = pulsarCapabilities(config);
  }

  describe(): string {
    return this.config.serviceUrl.url;
  }

  async connect(): Promise<void> {
    this.assertOpen();
    await this.pool.get(this.config.serviceUrl);
  }

  async partitions(topic: string): Promise<number> {
    this.assertOpen();
    const full = this.resolveTopic(topic);
    return this.lookUpPartitions(full);
  }

  /** Asks the broker, and remembers what it said; a non-partitioned topic counts as one partition. */
  private async lookUpPartitions(full: string): Promise<number> {
    const answer = await this.lookup.partitionedMetadata(full);
    const count = Math.max(answer, 1);
    this.topics.set(full, { partitioned: answer > 0, count });
    return count;
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    this.assertOpen();
    const records = batch.records;
    const results: (RecordResult | undefined)[] = new Array(records.length);
    const full = fullTopicName(batch.topic);
    if (!full) return records.map(() => ({ ok: false, error: this.badTopic(batch.topic) }));
    const destination = await this.destination(full, batch);
    if (typeof destination !== "string") return records.map(() => ({ ok: false, error: destination }));
    const messageIdPartition = this.topics.get(full)?.partitioned === true ? batch.partition : -1;

    // Each record's SEND, by index. Records whose earlier attempt is still in flight or already
    // stored wait for that SEND; the others get one below.
    const placed: (Placement | undefined)[] = new Array(records.length);
    const fresh: number[] = [];
    for (let index = 0; index < records.length; index++) {
      const placement = this.placements.get(records[index] as OutboundRecord);
      if (placement && (!placement.send.settled || placement.send.outcome?.ok)) placed[index] = placement;
      else fresh.push(index);
    }

    if (fresh.length > 0) {
      const producer = this.producerFor(destination, batch);
      if (!sameSchema(producer.schema, batch.schema)) {
        const error = this.schemaChanged(destination, producer, batch);
        return records.map(() => ({ ok: false, error }));
      }
      await abortable(producer.ready(), context.signal, () =>
        pulsarError("TIMEOUT", `producer for ${destination} not ready before the deadline`, {
          kind: "retriable",
        }),
      );
      this.sendFresh(producer, batch, fresh, messageIdPartition, results, placed);
    }

    if (batch.acks === "none") {
      return records.map(
        (record, index) => results[index] ?? { ok: true, partition: record.partition, acknowledged: false },
      );
    }
    // One wait per SEND rather than per record: a batch is mostly one SEND of many records.
    const waiting = new Set<Promise<SendReceipt>>();
    let last: PendingSend | undefined;
    for (const placement of placed) {
      const send = placement?.send;
      if (send === undefined || send === last) continue;
      last = send;
      if (!send.settled) waiting.add(send.done);
    }
    if (waiting.size > 0) {
      await abortable(Promise.allSettled(waiting), context.signal, () => undefined).catch(() => {});
    }
    return records.map((record, index) => {
      const result = results[index];
      if (result) return result;
      const placement = placed[index];
      // Only a record whose SEND is still unanswered comes back as a retry that must wait for
      // that SEND; a settled one has its final result now. Remembering just those keeps a
      // WeakMap insert per message off the normal path.
      if (placement && !placement.send.settled) this.placements.set(record, placement);
      return resultOf(record, placement);
    });
  }

  /**
   * Maps, groups and sends the records at `indexes`; mapping failures land in `results`, and
   * each sent record's SEND in `placed`.
   */
  private sendFresh(
    producer: PartitionProducer,
    batch: RecordBatch,
    indexes: readonly number[],
    partition: number,
    results: (RecordResult | undefined)[],
    placed: (Placement | undefined)[],
  ): void {
    const now = Date.now();
    const budget =
      Math.min(producer.messageSizeLimit, this.config.maxMessageBytes + SEND_OVERHEAD_BYTES) -
      SEND_OVERHEAD_BYTES;
    // The group being built, as parallel arrays: record indexes and their mapped messages.
    let members: number[] = [];
    let messages: PreparedMessage[] = [];
    let groupBytes = 0;
    const flush = (deliverAtTime: number | undefined) => {
      if (members.length === 0) return;
      this.sendGroup(producer, members, messages, deliverAtTime, partition, results, placed);
      members = [];
      messages = [];
      groupBytes = 0;
    };
    for (const index of indexes) {
      const record = batch.records[index] as OutboundRecord;
      const mapped = mapRecord(record, now);
      if (mapped instanceof OutboundError) {
        results[index] = { ok: false, error: mapped };
        continue;
      }
      // deliver_at_time lives in the SEND's MessageMetadata, so a delayed message goes alone.
      if (mapped.deliverAtTime !== undefined) {
        flush(undefined);
        members.push(index);
        messages.push(mapped.message);
        flush(mapped.deliverAtTime);
        continue;
      }
      const size = estimatedSize(mapped);
      if (members.length > 0 && groupBytes + size > budget) flush(undefined);
      members.push(index);
      messages.push(mapped.message);
      groupBytes += size;
    }
    flush(undefined);
  }

  private sendGroup(
    producer: PartitionProducer,
    members: readonly number[],
    messages: readonly PreparedMessage[],
    deliverAtTime: number | undefined,
    partition: number,
    results: (RecordResult | undefined)[],
    placed: (Placement | undefined)[],
  ): void {
    let send: PendingSend;
    try {
      send = producer.send(messages, deliverAtTime);
    } catch (error) {
      for (const index of members) results[index] = { ok: false, error: error as OutboundError };
      return;
    }
    for (let batchIndex = 0; batchIndex < members.length; batchIndex++) {
      const index = members[batchIndex] as number;
      placed[index] = { send, batchIndex, partition };
    }
  }

  /**
   * The producer topic for the batch's partition, or an error when the partition does not exist.
   * The count is the engine's, carried on the batch; the broker is asked only for a topic not
   * seen yet, or for a partition past the count (the topic may have grown since).
   */
  private async destination(full: string, batch: RecordBatch): Promise<string | OutboundError> {
    const partition = batch.partition;
    let known = this.topics.get(full);
    let count = batch.partitions ?? known?.count;
    if (known === undefined || count === undefined || partition >= count) {
      count = await this.lookUpPartitions(full);
      known = this.topics.get(full);
    }
    if (!known?.partitioned) {
      if (partition === 0) return full;
    } else if (partition >= 0 && partition < count) {
      return partitionTopicName(full, partition);
    }
    return pulsarError("UNKNOWN_DESTINATION", `${full} has no partition ${partition} (partitions: ${count})`);
  }

  /** The topic's producer; a new one declares the schema of the batch that creates it. */
  private producerFor(topic: string, batch: RecordBatch): PartitionProducer {
    let producer = this.producers.get(topic);
    // A producer the broker never accepted (an incompatible schema, say) holds nothing: a batch
    // with another schema replaces it rather than failing on the first one's choice.
    if (
      producer &&
      !producer.everCreated &&
      producer.pendingCount === 0 &&
      !sameSchema(producer.schema, batch.schema)
    ) {
      void producer.close();
      producer = undefined;
    }
    if (!producer) {
      producer = new PartitionProducer(topic, this.nextProducerId++, {
        pool: this.pool,
        lookup: this.lookup,
        schema: batch.schema,
        settings: {
          producerName: this.config.producerName,
          accessMode: this.config.accessMode,
          compression: this.config.compression,
          producerProperties: this.config.properties,
          operationTimeoutMs: this.config.operationTimeoutMs,
          reconnectInitialMs: this.config.reconnectInitialMs,
          reconnectMaxMs: this.config.reconnectMaxMs,
          logger: this.logger,
        },
      });
      this.producers.set(topic, producer);
    }
    return producer;
  }

  /**
   * A batch whose schema is not the one its topic's producer declared. Its bytes would be stored
   * under the wrong schema version, and consumers would decode them with it, so the batch fails
   * instead. The engine gives every batch its one serializer's schema, so this only happens
   * when a transport is shared by producers with different serializers.
   */
  private schemaChanged(topic: string, producer: PartitionProducer, batch: RecordBatch): OutboundError {
    const name = (schema: RecordBatch["schema"]) =>
      schema === undefined ? "no schema (bytes)" : `${schema.type} ${schema.name}`;
    return pulsarError(
      "UNSUPPORTED_FEATURE",
      `${topic}: the batch's schema (${name(batch.schema)}) differs from the one its producer declared (${name(producer.schema)}); one transport declares one schema per topic, use a producer per schema`,
    );
  }

  private resolveTopic(topic: string): string {
    const full = fullTopicName(topic);
    if (!full) throw this.badTopic(topic);
    return full;
  }

  private badTopic(topic: string): OutboundError {
    return pulsarError(
      "UNKNOWN_DESTINATION",
      `"${topic}" is not a Pulsar topic name (use name, tenant/namespace/name or persistent://tenant/namespace/name)`,
    );
  }

  private assertOpen(): void {
    this.state.check();
  }

  async close(): Promise<void> {
    if (!this.state.close()) return;
    const producers = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(producers.map((producer) => producer.close()));
    await this.pool.close();
  }
}

/** A sent record's result once its SEND settled, or a timeout when it has not. */
function resultOf(record: OutboundRecord, placement: Placement | undefined): RecordResult {
  if (!placement) {
    return { ok: false, error: pulsarError("INTERNAL", "record was neither sent nor failed") };
  }
  const outcome = placement.send.outcome;
  if (!outcome) {
    return {
      ok: false,
      error: pulsarError("TIMEOUT", "no SEND_RECEIPT before the deadline; the broker may hold the message", {
        kind: "unknown-outcome",
      }),
    };
  }
  if (!outcome.ok) return { ok: false, error: outcome.error };
  return success(record, outcome.receipt, placement);
}

function success(record: OutboundRecord, receipt: SendReceipt, placement: Placement): RecordResult {
  const result: RecordResult = { ok: true, partition: record.partition, acknowledged: true };
  // A deduplicated resend has no id of its own; the original's receipt was lost with the connection.
  if (!receipt.duplicate) {
    result.messageId = formatMessageId(
      receipt.ledgerId,
      receipt.entryId,
      placement.partition,
      placement.batchIndex,
    );
  }
  return result;
}

/** Waits for `promise` unless `signal` aborts first; then rejects with `onAbort()` (or resolves when it gives undefined). */
function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onAbort: () => OutboundError | undefined,
): Promise<T> {
  if (signal.aborted) {
    const error = onAbort();
    return error ? Promise.reject(error) : (Promise.resolve(undefined) as Promise<T>);
  }
  return new Promise<T>((resolve, reject) => {
    const listener = () => {
      const error = onAbort();
      if (error) reject(error);
      else resolve(undefined as T);
    };
    signal.addEventListener("abort", listener, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", listener);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", listener);
        reject(error);
      },
    );
  });
}
