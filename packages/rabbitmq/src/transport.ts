import { randomBytes } from "node:crypto";
import {
  type Acks,
  type BackpressureState,
  type Capabilities,
  type Logger,
  OutboundError,
  type OutboundRecord,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  silentLogger,
  type Transport,
  toOutboundError,
} from "@outbound/core";
import { type RabbitMqOptions, type ResolvedRabbitMqConfig, resolveConfig } from "./config.js";
import { ConfirmWindow } from "./confirm-window.js";
import { ConnectionManager } from "./connection-manager.js";
import { classifyChannelLoss } from "./error-mapping.js";
import { type AmqpPublish, toPublish } from "./mapping.js";
import { discoverPartitions } from "./partition-discovery.js";
import type { PublisherChannel, PublishOutcome } from "./publisher-channel.js";
import { declareTopology } from "./topology.js";

/** What the transport factory needs besides the options. */
export interface RabbitMqTransportContext {
  clientId?: string;
  logger?: Logger;
}

function capabilitiesFor(config: ResolvedRabbitMqConfig): Capabilities {
  return {
    // A batch is published message by message and pipelined; a batch as large as the confirm
    // window keeps the window full with one request in flight per partition.
    maxBatchRecords: config.confirmWindow,
    maxBatchBytes: 16 * 1024 * 1024,
    maxMessageBytes: config.maxMessageBytes,
    partitioned: true,
    keyOrdering: "partition",
    headers: { supported: true, binaryValues: true },
    dedup: { supported: false },
    delay: { supported: false },
    timestamps: true,
    // `leader` and `all` both wait for the publisher confirm: RabbitMQ has a single level.
    acks: ["none", "leader", "all"],
    transactions: false,
    defaultPartitioner: "murmur2",
    orderedInFlight: 1,
  };
}

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
  private readonly knownPartitions = new Map<string, number>();
  private readonly instanceId = randomBytes(4).toString("hex");
  private sequence = 0;
  private closed = false;

  constructor(
    readonly config: ResolvedRabbitMqConfig,
    context: RabbitMqTransportContext = {},
  ) {
    this.capabilities = capabilitiesFor(config);
    this.window = new ConfirmWindow(config.confirmWindow);
    this.manager = new ConnectionManager(
      config,
      context.clientId ?? "outbound",
      context.logger ?? silentLogger,
    );
    // Entities that are not durable vanish with the broker; declare again after any reconnect.
    this.manager.onConnectionLost(() => this.declared.clear());
  }

  /** Publishes awaiting a confirm now, and the most there ever were (the window's bound). */
  get confirmWindow(): { size: number; outstanding: number; peak: number } {
    return { size: this.window.size, outstanding: this.window.outstanding, peak: this.window.peak };
  }

  async connect(): Promise<void> {
    if (this.closed) throw closedError();
    await this.manager.publisher();
  }

  async partitions(topic: string): Promise<number> {
    return this.partitionCount(topic);
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    if (this.closed) throw closedError();
    const { signal } = context;
    // The engine asked `partitions()` before it partitioned this batch; reuse that answer.
    const partitions =
      this.knownPartitions.get(batch.topic) ?? (await this.partitionCount(batch.topic, signal));
    // A failure before anything is written fails the whole request; the engine retries it by kind.
    await this.manager.publisher(signal);
    await this.ensureTopology(batch.topic, partitions, signal);

    const results: Array<Promise<RecordResult>> = [];
    const abandon: Array<(result: RecordResult) => void> = [];
    const onAbort = () => {
      // The engine has given up on this request: whatever is still unconfirmed has an unknown fate.
      for (const resolve of abandon) resolve({ ok: false, error: timedOut() });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    // Once a record cannot be written (no connection, aborted while waiting), the rest of the
    // batch fails the same way at once instead of each waiting out its own reconnect backoff.
    let stopped: OutboundError | undefined;
    try {
      for (const record of batch.records) {
        if (stopped || signal.aborted) {
          const error = stopped ?? notWritten("the request was aborted");
          results.push(Promise.resolve({ ok: false, error }));
          continue;
        }
        const publishId = `${this.instanceId}.${++this.sequence}`;
        let publish: AmqpPublish;
        try {
          publish = toPublish(record, partitions, this.config, publishId);
        } catch (error) {
          results.push(Promise.resolve({ ok: false, error: toOutboundError(error, "INVALID_MESSAGE") }));
          continue;
        }
        try {
          const written = await this.publishOne(record, publish, publishId, batch.acks, signal, abandon);
          results.push(written.result);
        } catch (error) {
          stopped = toOutboundError(error, "BROKER_UNAVAILABLE", { transport: this.name });
          results.push(Promise.resolve({ ok: false, error: stopped }));
        }
      }
      return await Promise.all(results);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
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
    if (this.closed) return;
    this.closed = true;
    await this.manager.close();
  }

  /**
   * Waits for the broker to unblock, for room in the confirm window and for a channel, then
   * writes the record. Resolves once written, with the record's result still to be settled by its
   * confirm.
   */
  private async publishOne(
    record: OutboundRecord,
    publish: AmqpPublish,
    publishId: string,
    acks: Acks,
    signal: AbortSignal,
    abandon: Array<(result: RecordResult) => void>,
  ): Promise<{ result: Promise<RecordResult> }> {
    // While RabbitMQ blocks the connection it reads nothing from it; writing more only fills buffers.
    await this.manager.unblocked(signal);
    if (signal.aborted) throw notWritten("the request was aborted while the broker blocked publishing");
    await this.window.acquire(signal);
    let slotHeld = true;
    const releaseSlot = () => {
      if (slotHeld) {
        slotHeld = false;
        this.window.release();
      }
    };
    let channel: PublisherChannel;
    try {
      channel = await this.manager.publisher(signal);
    } catch (error) {
      releaseSlot();
      throw error;
    }

    let resolveResult!: (result: RecordResult) => void;
    const result = new Promise<RecordResult>((resolve) => {
      resolveResult = resolve;
    });
    abandon.push(resolveResult);
    const settle = (outcome: PublishOutcome) => {
      releaseSlot();
      resolveResult(outcome.ok ? delivered(record, true) : { ok: false, error: outcome.error });
    };

    let hasRoom: boolean;
    try {
      hasRoom = channel.publish(publishId, publish, settle);
    } catch (error) {
      releaseSlot();
      return { result: Promise.resolve({ ok: false, error: refusedPublish(error, channel, publish) }) };
    }
    // acks "none": written is enough; the confirm still frees the window slot when it comes.
    if (acks === "none") resolveResult(delivered(record, false));
    if (!hasRoom) await channel.writable(signal);
    // Wrapped: an async function returning a bare promise would make the caller await the confirm.
    return { result };
  }

  private async partitionCount(topic: string, signal?: AbortSignal): Promise<number> {
    const configured = this.config.partitions[topic];
    if (configured !== undefined) return configured;
    if (!this.config.discoverPartitions) return 1;
    const count = await this.manager.withChannel((channel) => discoverPartitions(channel, topic), signal);
    this.knownPartitions.set(topic, count);
    return count;
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
      declaring.catch(() => this.declared.delete(topic));
    }
    return declaring;
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

function timedOut(): OutboundError {
  return new OutboundError("TIMEOUT", "no publisher confirm before the request was aborted", {
    transport: "rabbitmq",
    kind: "unknown-outcome",
  });
}

function closedError(): OutboundError {
  return new OutboundError("CLOSED", "the transport is closed", { transport: "rabbitmq" });
}

/** Creates a RabbitMQ transport from options; see {@link RabbitMqOptions}. */
export function rabbitmqTransport(
  options: RabbitMqOptions = {},
  context: RabbitMqTransportContext = {},
): RabbitMqTransport {
  return new RabbitMqTransport(resolveConfig(options), context);
}
