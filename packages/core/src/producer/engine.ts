import { EventEmitter } from "node:events";
import { describeConfig, type ParsedConfig } from "../config/index.js";
import { OutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage } from "../message/index.js";
import type { ProducerMetrics } from "../metrics/metrics.js";
import type { Partitioner } from "../partitioner/partitioner.js";
import type { Serializer } from "../serializer/serializer.js";
import type { Capabilities } from "../transport/index.js";
import { Accumulator } from "./accumulator.js";
import { Admission } from "./admission.js";
import { Backpressure } from "./backpressure.js";
import { type Clock, systemClock, withTimeout } from "./clock.js";
import { Connection, type TransportSource } from "./connection.js";
import { EngineContext } from "./context.js";
import { DeadLetters } from "./dead-lettering.js";
import { Placement } from "./placement.js";
import { RetryPolicy } from "./retry-policy.js";
import { SendControls } from "./send-controls.js";
import { Sender } from "./sender.js";
import { Settlement } from "./settlement.js";
import { Shutdown } from "./shutdown.js";
import { Transactions } from "./transactions.js";
import type {
  CloseResult,
  DeliveryCallback,
  Producer,
  ProducerEventName,
  ProducerEvents,
  ProducerTransaction,
  SendOptions,
  SendSettled,
} from "./types.js";

export type { TransportSource } from "./connection.js";

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

/**
 * The producer: the public API over the pipeline's stages, wired here. A message travels
 * connection -> admission -> accumulator -> sender -> (retry policy) -> settlement
 * (-> dead letters); the deadline sweeper, backpressure and shutdown act on the lanes, and
 * transactions reuse admission's steps. See docs/architecture.md.
 */
export class ProducerEngine extends EventEmitter implements Producer {
  readonly transportName: string;
  private readonly ctx: EngineContext;
  private readonly connection: Connection;
  private readonly admission: Admission;
  private readonly sender: Sender;
  private readonly transactions: Transactions;
  private readonly shutdown: Shutdown;

  constructor(private readonly parts: EngineParts) {
    super();
    const source = parts.source;
    this.transportName = "transport" in source ? source.transport.name : source.name;
    const ctx = new EngineContext(
      parts.parsed,
      this.transportName,
      parts.serializer,
      parts.partitionKeyless,
      parts.clock ?? systemClock,
      this,
    );
    this.ctx = ctx;
    const deadLetters = new DeadLetters(ctx, this);
    const settlement = new Settlement(ctx, deadLetters);
    const placement = new Placement(ctx);
    const retryPolicy = new RetryPolicy(ctx, settlement);
    this.sender = new Sender(ctx, placement, settlement, retryPolicy, (lane) => accumulator.drain(lane));
    const accumulator = new Accumulator(ctx, settlement, (lane, records, now) =>
      this.sender.dispatch(lane, records, now),
    );
    const backpressure = new Backpressure(ctx, () => accumulator.resume());
    const controls = new SendControls(ctx, settlement, accumulator.deadlines);
    this.connection = new Connection(ctx, source, parts, backpressure.fromTransport);
    this.admission = new Admission(
      ctx,
      this.connection,
      placement,
      accumulator,
      settlement,
      deadLetters,
      controls,
    );
    this.transactions = new Transactions(ctx, this.connection, this.admission, placement);
    this.shutdown = new Shutdown(ctx, this.connection, accumulator, this.sender);
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  send<V = unknown>(message: OutboundMessage<V>, options?: SendOptions): Promise<DeliveryReport> {
    return this.admission.send(message as OutboundMessage, undefined, options);
  }

  produce<V = unknown>(message: OutboundMessage<V>, callback: DeliveryCallback, options?: SendOptions): void {
    if (typeof callback !== "function") {
      // Nobody could be told of this message's fate: refused before anything is accepted.
      throw new OutboundError(
        "INVALID_MESSAGE",
        "produce() needs a callback function as its second argument",
        {
          transport: this.transportName,
        },
      );
    }
    this.admission.produce(message as OutboundMessage, callback, options);
  }

  sendSerialized(
    message: OutboundMessage<Uint8Array>,
    options: { contentType?: string; deadLetter?: boolean } & SendOptions = {},
  ): Promise<DeliveryReport> {
    const { contentType, deadLetter, ...sendOptions } = options ?? {};
    const raw = {
      contentType: contentType ?? "application/octet-stream",
      deadLetterable: deadLetter !== false,
    };
    const perSend =
      sendOptions.timeoutMs === undefined && sendOptions.signal === undefined ? undefined : sendOptions;
    return this.admission.send(message as OutboundMessage, raw, perSend);
  }

  /**
   * Every message's clock starts at its own `send()`: no connect attempt is waited for first.
   * Built on `produce()`: one promise for the array, none per message.
   */
  sendMany<V = unknown>(messages: readonly OutboundMessage<V>[]): Promise<SendSettled[]> {
    if (!Array.isArray(messages)) {
      return Promise.reject(
        new OutboundError("INVALID_MESSAGE", "sendMany expects an array of messages", {
          transport: this.transportName,
        }),
      );
    }
    const count = messages.length;
    if (count === 0) return Promise.resolve([]);
    const results: SendSettled[] = new Array(count);
    return new Promise((resolve) => {
      let left = count;
      for (let i = 0; i < count; i++) {
        this.admission.produce(
          messages[i] as OutboundMessage,
          (error, report) => {
            results[i] = error
              ? { status: "rejected", reason: error }
              : { status: "fulfilled", value: report! };
            if (--left === 0) resolve(results);
          },
          undefined,
        );
      }
    });
  }

  transaction<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    return this.transactions.run(work);
  }

  flush(): Promise<void> {
    return this.shutdown.flush();
  }

  close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    return this.shutdown.close(options.timeoutMs ?? this.ctx.options.closeTimeoutMs);
  }

  metrics(): ProducerMetrics {
    const { metrics, outstanding, userCode, buffer } = this.ctx;
    return metrics.snapshot({
      pending: outstanding.pending + outstanding.admitting.size,
      callbackErrors: userCode.errors,
      bufferedBytes: buffer.usedBytes,
      bufferMaxBytes: buffer.maxBytes,
      inFlightRequests: this.sender.inFlight.size,
    });
  }

  describeConfig(): Record<string, unknown> {
    return describeConfig(this.parts.parsed);
  }

  get capabilities(): Capabilities | undefined {
    return this.ctx.connected?.caps;
  }

  async partitions(topic: string): Promise<number> {
    if (typeof topic !== "string" || topic.length === 0) {
      throw new OutboundError("INVALID_MESSAGE", "topic must be a non-empty string", {
        transport: this.transportName,
      });
    }
    const { clock, deliveryTimeoutMs } = this.ctx;
    const deadline = clock.now() + deliveryTimeoutMs;
    // The same promise a send makes: the answer within deliveryTimeoutMs, whatever the broker does.
    const lookup = this.connect().then(() => this.ctx.connected!.partitionCache.get(topic, deadline));
    try {
      return await withTimeout(clock, lookup, deliveryTimeoutMs);
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw new OutboundError(
        "TIMEOUT",
        `no partition count for ${topic} within deliveryTimeoutMs (${deliveryTimeoutMs} ms)`,
        { transport: this.transportName, kind: "retriable", cause: this.connection.lastError ?? error },
      );
    }
  }

  override on<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends ProducerEventName>(event: E, listener: (payload: ProducerEvents[E]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}
