import type { EventEmitter } from "node:events";
import type { ParsedConfig } from "../config/index.js";
import { OutboundError } from "../errors/index.js";
import { type Logger, silentLogger } from "../logging/index.js";
import { MetricsRecorder } from "../metrics/metrics.js";
import type { Partitioner } from "../partitioner/partitioner.js";
import type { Serializer } from "../serializer/serializer.js";
import type { ProducerTelemetry } from "../telemetry/producer-telemetry.js";
import type { BackpressureState, Capabilities, Transport } from "../transport/index.js";
import { BufferPool } from "./buffer-pool.js";
import type { Clock } from "./clock.js";
import { Observer } from "./observer.js";
import { Outstanding } from "./outstanding.js";
import type { PartitionCache } from "./partition-cache.js";
import type { ProducerEventName, ProducerEvents } from "./types.js";
import { UserCode } from "./user-code.js";

/** The events the pipeline emits; `callbackError` is UserCode's own. */
type ListenedEvent = "ack" | "failure" | "retry" | "backpressure";

/** The limits a connected transport and the options agree on. */
export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
  maxMessageBytes: number;
  maxInFlight: number;
  /** The transport resends failed batches itself (`capabilities.retries: "transport"`). */
  transportRetries: boolean;
}

/** What the transport is once connected; `undefined` on the context until then. */
export interface Connected {
  transport: Transport;
  caps: Capabilities;
  partitioner: Partitioner;
  partitionCache: PartitionCache;
  limits: BatchLimits;
}

/**
 * What every stage of the pipeline shares: the options, the clock, the buffer, the connection
 * once made, the lifecycle flags and the counts flush() and close() wait on. Each stage owns its
 * own state; this is only what more than one of them reads.
 */
export class EngineContext {
  readonly options: ParsedConfig["options"];
  readonly deliveryTimeoutMs: number;
  readonly logger: Logger;
  readonly userCode: UserCode;
  readonly metrics = new MetricsRecorder();
  readonly buffer: BufferPool;
  readonly outstanding = new Outstanding();
  /** Metrics, telemetry, logs and events: what the stages report to (see {@link Observer}). */
  readonly observe: Observer = new Observer(this);

  /** Set once, when the first connect succeeds. */
  connected: Connected | undefined;
  /** Set at connect when an OpenTelemetry API is present and telemetry is on. */
  telemetry: ProducerTelemetry | undefined;
  /** The broker's own pause, from `transport.onBackpressure`. */
  paused: BackpressureState = { paused: false };
  /** flush() calls under way: lanes send without waiting for linger. */
  flushing = 0;
  closing = false;
  /** close() ran out of time and failed what was left: nothing is retried any more. */
  forced = false;

  constructor(
    readonly parsed: ParsedConfig,
    readonly transportName: string,
    readonly serializer: Serializer,
    /** Whether keyless messages go through the partitioner instead of sticky partitioning. */
    readonly partitionKeyless: boolean,
    readonly clock: Clock,
    private readonly events: EventEmitter,
  ) {
    this.options = parsed.options;
    this.deliveryTimeoutMs = this.options.deliveryTimeoutMs;
    this.userCode = new UserCode(events, this.options.logger ?? silentLogger);
    this.logger = this.userCode.logger;
    this.buffer = new BufferPool(this.options.bufferMaxBytes, clock);
  }

  /** Whether the user listens for `event`: payloads are built only then. */
  listening(event: ProducerEventName): boolean {
    return this.events.listenerCount(event) > 0;
  }

  /** Emits to the user's listeners, each contained: see {@link UserCode}. */
  emitIf<E extends ListenedEvent>(event: E, payload: ProducerEvents[E]): void {
    if (this.events.listenerCount(event) > 0) this.userCode.emit(event, payload, `${event} listener`);
  }

  closedError(): OutboundError {
    return new OutboundError("CLOSED", "producer is closed", { transport: this.transportName });
  }
}
