import {
  type BackpressureState,
  type Capabilities,
  OutboundError,
  type OutboundRecord,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  silentLogger,
  type Transport,
  toOutboundError,
} from "@outbound/core";
import { ClosedState, type TransportSettings, transportErrors } from "@outbound/core/transport";
import { rabbitMqCapabilities } from "./capabilities.js";
import type { ResolvedRabbitMqConfig } from "./config.js";
import { ConfirmWindow } from "./confirm-window.js";
import { ConnectionManager } from "./connection-manager.js";
import { classifyChannelLoss } from "./errors.js";
import { type AmqpPublish, toPublish } from "./mapping.js";
import { discoverPartitions } from "./partition-discovery.js";
import type { PublisherChannel, PublishSink } from "./publisher-channel.js";
import { declareTopology } from "./topology.js";

/** @deprecated Every transport takes the same {@link TransportSettings}. */
export type RabbitMqTransportContext = TransportSettings;

/**
 * RabbitMQ transport: publishes on a confirm channel, `mandatory`, with a bounded window of
 * unconfirmed publishes. Each record resolves on its own broker ack; a nack, a return or the loss
 * of the channel fails it with a classified error (see docs/transports/rabbitmq.md).
 */
export class RabbitMqTransport implements Transport {
  readonly name = "rabbitmq";
  readonly capabilities: Capabilities;
  private readonly manager: ConnectionManager;
  private readonly window: ConfirmWindow;
  private readonly declared = new Map<string, Promise<void>>();
  /** Topics whose declaration has completed on the current connection. */
  private readonly declaredTopics = new Set<string>();
  private readonly state = new ClosedState(transportErrors("rabbitmq"));

  constructor(
    readonly config: ResolvedRabbitMqConfig,
    settings: TransportSettings = {},
  ) {
    this.capabilities = rabbitMqCapabilities(config);
    this.window = new ConfirmWindow(config.confirmWindow);
    this.manager = new ConnectionManager(
      config,
      settings.clientId ?? "outbound",
      settings.logger ?? silentLogger,
    );
    // Entities that are not durable vanish with the broker; declare again after any reconnect.
    this.manager.onConnectionLost(() => {
      this.declared.clear();
      this.declaredTopics.clear();
    });
  }

  /** Publishes awaiting a confirm now, and the most there ever were (the window's bound). */
  get confirmWindow(): { size: number; outstanding: number; peak: number } {
    return { size: this.window.size, outstanding: this.window.outstanding, peak: this.window.peak };
  }

  async connect(): Promise<void> {
    this.state.check();
    await this.manager.publisher();
  }

  async partitions(topic: string): Promise<number> {
    return this.partitionCount(topic);
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    this.state.check();
    const topic = batch.topic;
    // `context.signal` is read only where this waits: the engine builds the AbortController on the
    // first read, and a batch that finds everything ready never needs it. Nothing can abort it
    // while the loop below runs without awaiting.
    let waited = false;
    // The engine asked `partitions()` before it partitioned this batch and hands its answer over.
    let partitions = batch.partitions ?? this.configuredPartitionCount(topic);
    if (partitions === undefined) {
      waited = true;
      partitions = await this.partitionCount(topic, context.signal);
    }
    // A failure before anything is written fails the whole request; the engine retries it by kind.
    let channel = this.manager.openPublisher;
    if (channel === undefined) {
      waited = true;
      channel = await this.manager.publisher(context.signal);
    }
    if (this.config.declare && !this.declaredTopics.has(topic)) {
      waited = true;
      await this.ensureTopology(topic, partitions, context.signal);
    }

    const records = batch.records;
    const outcome = new BatchOutcome(records, this.window, batch.acks === "none", context);
    // Once a record cannot be written (no connection, aborted while waiting), the rest of the
    // batch fails the same way at once instead of each waiting out its own reconnect backoff.
    let stopped: OutboundError | undefined;
    // The channel this batch's records went out on. The rest may only follow on that one: once it
    // is lost, what was written on it fails and the engine retries it, so anything written on a
    // replacement would be stored before those retries (per-key order, `orderedInFlight` 1).
    let writtenOn: PublisherChannel | undefined;
    for (let index = 0; index < records.length; index++) {
      const record = records[index] as OutboundRecord;
      if (stopped === undefined && waited && context.signal.aborted) {
        // The engine has given up on this request; writing the rest would only make duplicates.
        stopped = notWritten("the request was aborted");
      }
      if (stopped) {
        outcome.fail(index, stopped);
        continue;
      }
      let publish: AmqpPublish;
      try {
        publish = toPublish(record, partitions, this.config);
      } catch (error) {
        outcome.fail(index, toOutboundError(error, "INVALID_MESSAGE"));
        continue;
      }
      // The common case costs no promise: the broker is not blocking, the channel is open with
      // room in its write buffer, and the confirm window has a free slot.
      if (this.manager.isBlocked || channel.closed || channel.full || !this.window.tryAcquire()) {
        waited = true;
        try {
          channel = await this.admit(channel, context.signal);
        } catch (error) {
          stopped = toOutboundError(error, "BROKER_UNAVAILABLE", { transport: this.name });
          outcome.fail(index, stopped);
          continue;
        }
        // Waiting may have outlasted the request (the engine retries it already) or the channel
        // the records before this one went out on: either way, writing this one now would let it
        // overtake their retries. It holds a window slot, which nothing will confirm.
        if (context.signal.aborted || (writtenOn !== undefined && channel !== writtenOn)) {
          this.window.release();
          stopped = context.signal.aborted
            ? notWritten("the request was aborted while waiting to publish")
            : notWritten(
                "the channel closed under this batch; the rest is not written on its replacement, where it would overtake the records lost with it",
              );
          outcome.fail(index, stopped);
          continue;
        }
      }
      try {
        channel.publish(publish, outcome, index);
      } catch (error) {
        this.window.release();
        const refused = refusedPublish(error, channel, publish);
        outcome.fail(index, refused);
        // Retried by the engine, so nothing after it may go out first.
        if (refused.kind !== "terminal") stopped = refused;
        continue;
      }
      writtenOn = channel;
      outcome.written(index);
    }
    // Written records settle by confirm, return, nack or the channel's loss, which also comes
    // when the transport closes. A request the engine gave up on is already failed there, so an
    // abort does not cut this short.
    return outcome.done;
  }

  onBackpressure(listener: (state: BackpressureState) => void): void {
    this.manager.onBackpressure(listener);
  }

  describe(): string {
    return this.manager.endpoint;
  }

  /**
   * Closes the connection. The engine calls it once it has drained or given up, so nothing here
   * waits for outstanding confirms: whatever is still pending settles as an unknown outcome.
   */
  async close(): Promise<void> {
    if (!this.state.close()) return;
    await this.manager.close();
  }

  /**
   * The slow path of a publish: waits for the broker to unblock, for an open channel with room in
   * its write buffer and for a slot in the confirm window. Resolves holding the slot, with the
   * channel to write on; rejects, holding nothing, if that cannot happen.
   */
  private async admit(channel: PublisherChannel, signal: AbortSignal): Promise<PublisherChannel> {
    let current = channel;
    for (;;) {
      // While RabbitMQ blocks the connection it reads nothing from it; writing more only fills buffers.
      await this.manager.unblocked(signal);
      if (signal.aborted) throw notWritten("the request was aborted while waiting to publish");
      if (current.closed) current = await this.manager.publisher(signal);
      else if (current.full) await current.writable(signal);
      else break;
    }
    await this.window.acquire(signal);
    if (!current.closed) return current;
    // The channel went while this waited for the window: its replacement is the one to write on.
    try {
      return await this.manager.publisher(signal);
    } catch (error) {
      this.window.release();
      throw error;
    }
  }

  /** The partition count when the config fixes it, without asking the broker. */
  private configuredPartitionCount(topic: string): number | undefined {
    const configured = this.config.partitions[topic];
    if (configured !== undefined) return configured;
    return this.config.discoverPartitions ? undefined : 1;
  }

  /** Asks the broker afresh where it must: a topic's partition queues may have been added. */
  private async partitionCount(topic: string, signal?: AbortSignal): Promise<number> {
    const configured = this.config.partitions[topic];
    if (configured !== undefined) return configured;
    if (!this.config.discoverPartitions) return 1;
    return this.manager.withChannel((channel) => discoverPartitions(channel, topic), signal);
  }

  private ensureTopology(topic: string, partitions: number, signal: AbortSignal): Promise<void> {
    if (!this.config.declare) return Promise.resolve();
    let declaring = this.declared.get(topic);
    if (!declaring) {
      declaring = this.manager.withChannel(
        (channel) => declareTopology(channel, topic, partitions, this.config),
        signal,
      );
      this.declared.set(topic, declaring);
      declaring.then(
        () => {
          if (this.declared.get(topic) === declaring) this.declaredTopics.add(topic);
        },
        () => this.declared.delete(topic),
      );
    }
    return declaring;
  }
}

/**
 * The results of one `send`: one array and one promise for the whole batch, filled by index as
 * records fail, are written (acks "none") or are settled by the publisher channel.
 */
class BatchOutcome implements PublishSink {
  readonly done: Promise<RecordResult[]>;
  private readonly results: Array<RecordResult | undefined>;
  private remaining: number;
  private resolve!: (results: RecordResult[]) => void;

  constructor(
    private readonly records: readonly OutboundRecord[],
    private readonly window: ConfirmWindow,
    private readonly fireAndForget: boolean,
    /** Told each confirm as it arrives, so the engine can release that sender without waiting for the batch. */
    private readonly context: Pick<SendContext, "recordSettled"> | undefined,
  ) {
    this.results = new Array(records.length);
    this.remaining = records.length;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
    if (this.remaining === 0) this.resolve([]);
  }

  fail(index: number, error: OutboundError): void {
    this.set(index, { ok: false, error });
  }

  /** `index` is on the wire; with acks "none" that is its result, else its confirm will be. */
  written(index: number): void {
    // The confirm still comes and frees the window slot; it changes nothing here.
    if (this.fireAndForget) this.set(index, delivered(this.records[index] as OutboundRecord, false));
  }

  /** The channel's answer for a written record; it also frees the record's confirm-window slot. */
  settle(index: number, error: OutboundError | undefined): void {
    this.window.release();
    // Already answered: written with acks "none", or abandoned when the request was aborted.
    if (this.results[index] !== undefined) return;
    this.set(index, error ? { ok: false, error } : delivered(this.records[index] as OutboundRecord, true));
  }

  private set(index: number, result: RecordResult): void {
    if (this.results[index] !== undefined) return;
    this.results[index] = result;
    if (this.remaining > 1) this.context?.recordSettled?.(index, result);
    this.remaining -= 1;
    if (this.remaining === 0) this.resolve(this.results as RecordResult[]);
  }
}

function delivered(record: OutboundRecord, acknowledged: boolean): RecordResult {
  return {
    ok: true,
    partition: record.partition,
    ...(record.id !== undefined ? { messageId: record.id } : {}),
    timestamp: record.timestamp,
    acknowledged,
  };
}

/** amqplib threw from `publish`, so nothing was written. */
function refusedPublish(error: unknown, channel: PublisherChannel, publish: AmqpPublish): OutboundError {
  if (error instanceof RangeError) {
    // amqplib >= 2.3.1 refuses header tables over its 64 KiB encoding buffer.
    return new OutboundError("INVALID_MESSAGE", `cannot encode the message: ${error.message}`, {
      transport: "rabbitmq",
      cause: error,
    });
  }
  if (channel.error !== undefined) {
    const classified = classifyChannelLoss(channel.error, {
      exchange: publish.exchange,
      bytes: publish.content.byteLength,
    });
    if (classified.code !== "BROKER_UNAVAILABLE") return classified;
  }
  return notWritten(`the channel refused the publish: ${(error as Error).message}`, error);
}

function notWritten(message: string, cause?: unknown): OutboundError {
  return new OutboundError("BROKER_UNAVAILABLE", message, {
    transport: "rabbitmq",
    kind: "retriable",
    cause,
  });
}
