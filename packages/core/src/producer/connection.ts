import { isRetried, OutboundError, toOutboundError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import type { Partitioner } from "../partitioner/partitioner.js";
import { loadOpenTelemetry } from "../telemetry/open-telemetry.js";
import { ProducerTelemetry } from "../telemetry/producer-telemetry.js";
import type { BackpressureState, Capabilities, Transport } from "../transport/index.js";
import { backoffDelay } from "./backoff.js";
import { sleep } from "./clock.js";
import type { BatchLimits, EngineContext } from "./context.js";
import { PartitionCache } from "./partition-cache.js";

/** How the engine obtains its transport: already built, or loaded lazily by the registry. */
export type TransportSource =
  | { transport: Transport }
  | { name: string; create: (logger: Logger) => Promise<Transport> };

/** How keyed (and, if asked, keyless) messages are partitioned once the transport is known. */
export interface PartitionerChoice {
  /** Partitioner for keyed messages; `undefined` means the transport's default. */
  partitioner: Partitioner | undefined;
  resolveDefaultPartitioner: (name: Capabilities["defaultPartitioner"]) => Partitioner;
}

/**
 * The first stage a message can wait on: loading the transport, connecting with retries inside
 * the delivery deadline, checking `acks` against the capabilities, starting telemetry, and then
 * publishing what every later stage reads as `context.connected`.
 */
export class Connection {
  /** The transport once built, even if it never connected: close() still closes it. */
  transport: Transport | undefined;
  /** Why the last connect attempt failed, for the error of a send whose deadline passed meanwhile. */
  lastError: OutboundError | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly source: TransportSource,
    private readonly partitioning: PartitionerChoice,
    private readonly onBackpressure: (state: BackpressureState) => void,
  ) {}

  /** Whether a connect was started (and not failed): close() then closes the transport. */
  get started(): boolean {
    return this.transport !== undefined && this.connecting !== undefined;
  }

  connect(): Promise<void> {
    if (this.ctx.closing) return Promise.reject(this.ctx.closedError());
    if (!this.connecting) {
      this.connecting = this.connectOnce().catch((error: unknown) => {
        // Let a later send try again; this attempt's callers get the error.
        this.connecting = undefined;
        throw toOutboundError(error, "BROKER_UNAVAILABLE", {
          transport: this.ctx.transportName,
          context: "connect failed",
        });
      });
    }
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const { ctx, source } = this;
    const options = ctx.options;
    const transport =
      this.transport ?? ("transport" in source ? source.transport : await source.create(ctx.logger));
    this.transport = transport;
    const caps = transport.capabilities;
    if (!caps.acks.includes(options.acks)) {
      throw new OutboundError(
        "INVALID_CONFIG",
        `acks "${options.acks}" is not supported by ${transport.name}; it supports ${caps.acks.join(", ")}`,
        { transport: transport.name },
      );
    }
    await this.connectWithRetries(transport);
    if (options.telemetry?.tracing !== false || options.telemetry?.metrics !== false) {
      const api = await loadOpenTelemetry(options.telemetry?.api);
      if (api) {
        // The SDK behind the API is user code: a provider that throws means no telemetry, not no producer.
        ctx.telemetry = ctx.userCode.run(
          "telemetry",
          () =>
            new ProducerTelemetry(
              api,
              transport.name,
              options.clientId,
              options.telemetry ?? {},
              () => ctx.buffer.usedBytes,
              (error) => ctx.userCode.threw("telemetry", error),
            ),
          undefined,
        );
      }
    }
    ctx.connected = {
      transport,
      caps,
      partitioner:
        this.partitioning.partitioner ?? this.partitioning.resolveDefaultPartitioner(caps.defaultPartitioner),
      partitionCache: new PartitionCache(transport, options.metadataMaxAgeMs, options.retry, ctx.clock),
      limits: this.limitsFor(caps),
    };
    transport.onBackpressure?.(this.onBackpressure);
    ctx.observe.connected(transport.describe?.() ?? transport.name);
  }

  /** Connect attempts with backoff, while a retried failure leaves time before the deadline. */
  private async connectWithRetries(transport: Transport): Promise<void> {
    const ctx = this.ctx;
    const deadline = ctx.clock.now() + ctx.deliveryTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.connect();
        return;
      } catch (error) {
        const e = toOutboundError(error, "BROKER_UNAVAILABLE", {
          transport: transport.name,
          context: "connect failed",
        });
        this.lastError = e;
        const delay = backoffDelay(ctx.options.retry, attempt);
        if (!isRetried(e) || ctx.clock.now() + delay >= deadline || ctx.closing) throw e;
        ctx.observe.connectRetrying(transport.name, attempt, e);
        await sleep(ctx.clock, delay);
      }
    }
  }

  /** The options' batch and in-flight limits, capped by what the transport supports. */
  private limitsFor(caps: Capabilities): BatchLimits {
    const options = this.ctx.options;
    return {
      maxRecords: Math.max(
        1,
        Math.min(options.batchMaxRecords ?? caps.maxBatchRecords, caps.maxBatchRecords),
      ),
      maxBytes: Math.max(1, Math.min(options.batchMaxBytes ?? caps.maxBatchBytes, caps.maxBatchBytes)),
      maxMessageBytes: Math.min(caps.maxMessageBytes, options.bufferMaxBytes),
      maxInFlight: options.maxInFlightPerPartition ?? Math.max(1, caps.orderedInFlight),
      transportRetries: caps.retries === "transport",
    };
  }
}
