import type { Logger, OutboundError, SchemaDeclaration } from "@outbound/core";
import { pulsarError, serverError } from "../errors.js";
import {
  type BatchEntry,
  BatchPayload,
  COMPRESSION_TYPES,
  CommandType,
  type CompressionCodec,
  compress,
  encodePayloadCommand,
  type Frame,
  longToNumber,
  longToString,
  ProducerAccessMode,
  type ProducerAccessModeName,
} from "../protocol/index.js";
import type { Connection, ProducerListener } from "./connection.js";
import { DEFAULT_MAX_MESSAGE_SIZE } from "./connection.js";
import type { ConnectionPool } from "./connection-pool.js";
import type { TopicLookup } from "./lookup.js";
import { PendingSend } from "./pending-send.js";
import { producerSchemaField } from "./producer-schema.js";

export interface ProducerSettings {
  /** Fixed producer name; the broker picks one when absent. Needed for dedup across restarts of the app. */
  producerName: string | undefined;
  accessMode: ProducerAccessModeName;
  compression: CompressionCodec;
  /** `metadata` of the PRODUCER command (the `properties` producer option of other clients). */
  producerProperties: Record<string, string>;
  operationTimeoutMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  logger: Logger;
}

export interface ProducerDependencies {
  pool: ConnectionPool;
  lookup: TopicLookup;
  settings: ProducerSettings;
  /**
   * The schema declared in PRODUCER, fixed for the producer's life: the broker checks it
   * against the topic's and stores it as a new version when compatible. None = bytes.
   */
  schema?: SchemaDeclaration | undefined;
}

/** A message ready for a SEND: its bytes and its `SingleMessageMetadata` fields. */
export type PreparedMessage = BatchEntry;

type State = "idle" | "connecting" | "ready" | "disconnected" | "closed";

/** How long close() waits for the broker to confirm CLOSE_PRODUCER. */
const CLOSE_WAIT_MS = 1_000;

/** Receipts for deduplicated messages carry ledger and entry -1, read as unsigned 64-bit. */
const UNSET_IDS = new Set(["-1", "18446744073709551615"]);

/**
 * The producer for one topic or one partition of a partitioned topic. It creates itself on
 * the owner broker, numbers messages with sequence ids, keeps every unacknowledged SEND and,
 * when the connection drops or the broker closes it, looks the topic up again, re-creates
 * itself under the same name and writes the pending SENDs again with the same sequence ids.
 */
export class PartitionProducer implements ProducerListener {
  readonly topic: string;
  readonly producerId: number;
  readonly schema: SchemaDeclaration | undefined;
  private readonly deps: ProducerDependencies;
  private state: State = "idle";
  private connection: Connection | undefined;
  private connecting: Promise<void> | undefined;
  private producerName: string | undefined;
  private nextSequenceId = 0;
  private createdOnce = false;
  private epoch = 0;
  private readonly pending: PendingSend[] = [];
  private maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

  constructor(topic: string, producerId: number, deps: ProducerDependencies) {
    this.topic = topic;
    this.producerId = producerId;
    this.deps = deps;
    this.schema = deps.schema;
    this.producerName = deps.settings.producerName;
  }

  /** Largest metadata + payload the owner broker accepts (from CONNECTED). */
  get messageSizeLimit(): number {
    return this.maxMessageSize;
  }

  /** Whether the broker ever accepted this producer (and so stored its schema). */
  get everCreated(): boolean {
    return this.createdOnce;
  }

  /** SENDs written or queued that have no receipt yet. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Resolves once the producer exists on the broker; retries retriable failures until then. */
  ready(): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    if (this.state === "closed")
      return Promise.reject(pulsarError("CLOSED", `producer for ${this.topic} is closed`));
    this.connecting ??= this.connectUntilReady().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * Encodes messages as one batched SEND, queues it and writes it when connected.
   * Throws `MESSAGE_TOO_LARGE` when the batch exceeds the broker's message size.
   */
  send(messages: readonly PreparedMessage[], deliverAtTime: number | undefined): PendingSend {
    if (this.state === "closed") throw pulsarError("CLOSED", `producer for ${this.topic} is closed`);
    if (!this.producerName)
      throw pulsarError("INTERNAL", `producer for ${this.topic} sent before it was created`);
    const first = this.nextSequenceId;
    const count = messages.length;
    const codec = this.deps.settings.compression;
    const batch = new BatchPayload(messages, first);
    // Uncompressed, the batch is written straight into the frame; a codec needs it whole first.
    const payload = codec === "none" ? batch : compress(codec, batch.toBuffer());
    if (payload.length > this.maxMessageSize) {
      throw pulsarError(
        "MESSAGE_TOO_LARGE",
        `${count === 1 ? "message" : `batch of ${count} messages`} of ${payload.length} bytes exceeds the broker's ${this.maxMessageSize}-byte limit`,
      );
    }
    const metadata: Record<string, unknown> = {
      producer_name: this.producerName,
      sequence_id: first,
      publish_time: Date.now(),
      num_messages_in_batch: count,
      highest_sequence_id: first + count - 1,
    };
    if (codec !== "none") {
      metadata.compression = COMPRESSION_TYPES[codec];
      metadata.uncompressed_size = batch.length;
    }
    if (deliverAtTime !== undefined) metadata.deliver_at_time = deliverAtTime;
    const frame = encodePayloadCommand(
      {
        type: CommandType.SEND,
        send: {
          producer_id: this.producerId,
          sequence_id: first,
          num_messages: count,
          highest_sequence_id: first + count - 1,
        },
      },
      metadata,
      payload,
    );
    this.nextSequenceId += count;
    const send = new PendingSend(first, count, frame);
    this.pending.push(send);
    if (this.state === "ready" && this.connection) this.writeSend(this.connection, send);
    else this.reconnectIfNeeded();
    return send;
  }

  private writeSend(connection: Connection, send: PendingSend): void {
    try {
      connection.write(send.frame);
      send.written = true;
    } catch {
      // The connection just died; onConnectionLost resends it after reconnecting.
    }
  }

  onReceipt(receipt: Frame["command"]): void {
    const sequenceId = longToNumber(receipt.sequence_id);
    const index = this.pending.findIndex((send) => send.firstSequenceId === sequenceId);
    // A receipt for a SEND we no longer hold answers a resend of something already settled.
    if (index < 0) return;
    const [send] = this.pending.splice(index, 1);
    const ledgerId = longToString(receipt.message_id?.ledgerId ?? -1);
    const entryId = longToString(receipt.message_id?.entryId ?? -1);
    send?.resolve({ ledgerId, entryId, duplicate: UNSET_IDS.has(ledgerId) && UNSET_IDS.has(entryId) });
  }

  onSendError(error: Frame["command"]): void {
    const sequenceId = longToNumber(error.sequence_id);
    const index = this.pending.findIndex(
      (send) => send.firstSequenceId <= sequenceId && sequenceId <= send.lastSequenceId,
    );
    if (index < 0) return;
    const [send] = this.pending.splice(index, 1);
    send?.reject(serverError(error.error, error.message, `SEND to ${this.topic}`));
  }

  onClosedByBroker(): void {
    this.deps.settings.logger.info(
      { topic: this.topic },
      "[outbound] [pulsar] broker closed the producer; re-creating it",
    );
    this.disconnect();
  }

  onConnectionLost(error: OutboundError): void {
    this.deps.settings.logger.warn(
      { topic: this.topic, reason: error.message },
      "[outbound] [pulsar] connection lost; reconnecting",
    );
    this.disconnect();
  }

  private disconnect(): void {
    if (this.state !== "ready") return;
    this.connection?.unregisterProducer(this.producerId);
    this.connection = undefined;
    this.state = "disconnected";
    this.reconnectIfNeeded();
  }

  /** Reconnects at once when SENDs wait for receipts; an idle producer reconnects on its next send. */
  private reconnectIfNeeded(): void {
    if (this.pending.length > 0 && (this.state === "disconnected" || this.state === "idle")) {
      this.ready().catch(() => {
        // Terminal failures already failed the pending sends in connectUntilReady.
      });
    }
  }

  private async connectUntilReady(): Promise<void> {
    const { reconnectInitialMs, reconnectMaxMs, logger } = this.deps.settings;
    let delay = reconnectInitialMs;
    this.state = "connecting";
    for (;;) {
      try {
        await this.createOnBroker();
        return;
      } catch (error) {
        const failure = error as OutboundError;
        if (this.isClosed()) throw pulsarError("CLOSED", `producer for ${this.topic} is closed`);
        // ProducerBusy on a first creation means another producer already holds this name;
        // after a reconnect it is usually our own previous incarnation, not yet dropped.
        const nameTaken = failure.brokerCode === "ProducerBusy" && !this.createdOnce;
        if (failure.kind === "terminal" || nameTaken) {
          // Fail what waits, but let a later send try again: the topic may be created, a
          // permission granted or an exclusive producer gone by then.
          this.state = this.producerName && this.nextSequenceId > 0 ? "disconnected" : "idle";
          for (const send of this.pending.splice(0)) send.reject(failure);
          throw failure;
        }
        logger.debug(
          { topic: this.topic, retryInMs: delay, reason: failure.message },
          "[outbound] [pulsar] producer not ready; retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.isClosed()) throw pulsarError("CLOSED", `producer for ${this.topic} is closed`);
        delay = Math.min(delay * 2, reconnectMaxMs);
      }
    }
  }

  private async createOnBroker(): Promise<void> {
    const { settings, lookup, pool } = this.deps;
    const schema = producerSchemaField(this.schema, this.topic);
    if (schema instanceof Error) throw schema;
    const owner = await lookup.lookup(this.topic);
    const connection = await pool.get(owner.logical, owner.physical);
    connection.registerProducer(this.producerId, this);
    const body: Record<string, unknown> = {
      topic: this.topic,
      producer_id: this.producerId,
      epoch: this.epoch++,
      producer_access_mode: ProducerAccessMode[settings.accessMode],
      metadata: Object.entries(settings.producerProperties).map(([key, value]) => ({ key, value })),
    };
    if (schema) body.schema = schema;
    if (this.producerName) {
      body.producer_name = this.producerName;
      body.user_provided_producer_name = settings.producerName !== undefined;
    }
    const waitsForExclusive = settings.accessMode === "WaitForExclusive";
    let answer: Frame["command"];
    try {
      answer = await connection.request(CommandType.PRODUCER, "producer", body, `PRODUCER ${this.topic}`, {
        onNotReady: () =>
          settings.logger.info(
            { topic: this.topic },
            "[outbound] [pulsar] producer waits for exclusive access",
          ),
        // Waiting for exclusive access has no natural deadline; the caller's signal bounds it.
        timeoutMs: waitsForExclusive ? 2_147_483_647 : settings.operationTimeoutMs,
      });
    } catch (error) {
      connection.unregisterProducer(this.producerId);
      throw error;
    }
    if (!connection.isOpen)
      throw pulsarError("BROKER_UNAVAILABLE", `connection lost while creating ${this.topic}`);
    const success = answer.producer_success;
    const firstCreation = this.producerName === undefined || this.nextSequenceId === 0;
    this.producerName = success.producer_name;
    const lastSequenceId = longToNumber(success.last_sequence_id ?? -1);
    // Continue a named producer's numbering where the broker's dedup state left it, as the
    // Java client does, so the first new message is not mistaken for a duplicate.
    if (firstCreation && this.pending.length === 0 && lastSequenceId >= 0)
      this.nextSequenceId = lastSequenceId + 1;
    this.maxMessageSize = connection.maxMessageSize;
    this.connection = connection;
    this.state = "ready";
    this.createdOnce = true;
    for (const send of this.pending) this.writeSend(connection, send);
  }

  // A method, not an inline comparison: close() may change the state while we await.
  private isClosed(): boolean {
    return this.state === "closed";
  }

  /** Closes the producer on the broker. SENDs still pending fail with `CLOSED`. */
  async close(): Promise<void> {
    const connection = this.connection;
    const wasReady = this.state === "ready";
    this.state = "closed";
    this.connection = undefined;
    for (const send of this.pending.splice(0)) {
      send.reject(
        pulsarError("CLOSED", `producer for ${this.topic} closed before the broker acknowledged`, {
          kind: send.written ? "unknown-outcome" : "terminal",
        }),
      );
    }
    if (!connection || !wasReady) return;
    const closing = connection
      .request(
        CommandType.CLOSE_PRODUCER,
        "close_producer",
        { producer_id: this.producerId },
        `CLOSE_PRODUCER ${this.topic}`,
      )
      .catch(() => {
        // The broker drops the producer with the connection anyway.
      });
    // Wait briefly for the broker's SUCCESS, but never let a stalled broker hold close() up.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    connection.unregisterProducer(this.producerId);
  }
}
