import type { OutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage, OutboundRecord } from "../message/index.js";
import type { BackpressureState } from "../transport/index.js";
import type { EngineContext } from "./context.js";
import type { Lane } from "./lane.js";
import type { PendingRecord } from "./pending.js";

/**
 * Everything the pipeline reports, in one place: metrics, OpenTelemetry, logs and the user's
 * events, each fed from these hooks. The stages call a hook where something happened and know
 * nothing of who listens, so adding a metric, a span attribute or a log line never touches the
 * state machine. Telemetry is absent unless an OpenTelemetry API was found at connect, event
 * payloads are built only when someone listens, and the logger is the user's (silent by default).
 */
export class Observer {
  /** Buffer pressure can hit every send; it is logged at most once a second. */
  private lastPressureLog = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: EngineContext) {}

  // ------------------------------------------------------------------ connection

  connectRetrying(transport: string, attempt: number, error: OutboundError): void {
    this.ctx.logger.warn({ transport, attempt, error: error.message }, "connect failed, retrying");
  }

  connected(description: string): void {
    this.ctx.logger.info({ transport: description }, "producer connected");
  }

  // ------------------------------------------------------------------ admission

  /** A send passed the closed check and counts from here: `sent = acked + failed`. */
  accepted(): void {
    this.ctx.metrics.sent++;
  }

  /** Refused for the buffer or the broker's pause under `onBufferFull: "reject"`. */
  pressureRefusal(): void {
    this.ctx.metrics.rejectedBufferFull++;
  }

  /** A send waits for buffer space under `onBufferFull: "block"`. */
  blocked(): void {
    this.ctx.metrics.blockedSends++;
  }

  /** A message that never reached a lane failed. */
  refused(record: PendingRecord | undefined, error: OutboundError): void {
    this.ctx.metrics.failed++;
    // The record's topic, never the message's: reading a hostile message again could throw.
    this.ctx.telemetry?.ended(record?.span, record?.topic ?? "", undefined, error);
  }

  // ------------------------------------------------------------------ requests

  dispatched(lane: Lane, records: readonly PendingRecord[], bytes: number): void {
    const { metrics, telemetry } = this.ctx;
    if (telemetry) {
      const partitioned = this.ctx.connected!.caps.partitioned;
      for (const p of records) telemetry.onDispatch(p.span, lane.partition, partitioned, records.length);
    }
    metrics.requests++;
    metrics.batchRecords.record(records.length);
    metrics.batchBytes.record(bytes);
  }

  requestEnded(lane: Lane, records: number, startedAt: number, error: OutboundError | undefined): void {
    const ctx = this.ctx;
    ctx.telemetry?.request(lane.topic, records, (ctx.clock.now() - startedAt) / 1000, error);
  }

  /** Records go again: `delayMs` is the backoff the lane waits (the transport's own, if it retries). */
  retried(
    lane: Lane,
    records: readonly PendingRecord[],
    error: OutboundError,
    delayMs: number,
    by: "engine" | "transport",
  ): void {
    const ctx = this.ctx;
    ctx.metrics.retries += records.length;
    ctx.telemetry?.retried(lane.topic, records.length);
    if (by === "engine") {
      let attempt = 1;
      for (const p of records) if (p.attempt > attempt) attempt = p.attempt;
      ctx.logger.debug(
        {
          topic: lane.topic,
          partition: lane.partition,
          records: records.length,
          attempt,
          delayMs,
          error: error.message,
        },
        "retrying",
      );
    }
    if (!ctx.listening("retry")) return;
    for (const p of records) {
      ctx.userCode.emit(
        "retry",
        { message: p.message, error, attempt: p.attempt, delayMs },
        "retry listener",
      );
    }
  }

  // ------------------------------------------------------------------ settlement

  acked(p: PendingRecord, report: DeliveryReport): void {
    const ctx = this.ctx;
    ctx.metrics.acked++;
    ctx.metrics.latency.record(report.latencyMs);
    ctx.telemetry?.ended(p.span, p.topic, report, undefined);
    if (ctx.listening("ack")) ctx.userCode.emit("ack", { message: p.message, report }, "ack listener");
  }

  /** A record that reached a lane failed; its `failure` event follows any dead-letter write. */
  failed(p: PendingRecord, error: OutboundError): void {
    const ctx = this.ctx;
    ctx.metrics.failed++;
    ctx.metrics.latency.record(ctx.clock.now() - p.startedAt);
    ctx.telemetry?.ended(p.span, p.topic, undefined, error);
    ctx.logger.warn(
      { topic: p.topic, code: error.code, kind: error.kind, attempts: p.attempt },
      `message not delivered: ${error.message}`,
    );
  }

  /** The `failure` event, with the error the caller's `send()` rejects with. */
  failureReported(message: OutboundMessage, error: OutboundError): void {
    this.ctx.emitIf("failure", { message, error });
  }

  deadLettered(topic: string, destination: string, error: OutboundError): void {
    const ctx = this.ctx;
    ctx.metrics.deadLettered++;
    ctx.telemetry?.deadLetter(topic);
    ctx.logger.warn({ topic, destination, code: error.code }, "message dead-lettered");
  }

  deadLetterFailed(topic: string, sink: string, error: OutboundError): void {
    this.ctx.logger.error({ topic, sink, error: error.message }, "dead-letter write failed");
  }

  /** A transaction's message, counted and traced like any send: acked at commit, failed at abort. */
  transactionSettled(
    record: OutboundRecord,
    report: DeliveryReport | undefined,
    error: OutboundError | undefined,
  ): void {
    const ctx = this.ctx;
    if (report) {
      ctx.metrics.acked++;
      ctx.metrics.latency.record(report.latencyMs);
    } else {
      ctx.metrics.failed++;
    }
    ctx.telemetry?.ended((record as PendingRecord).span, record.topic, report, error);
  }

  // ------------------------------------------------------------------ pressure and close

  brokerPressure(state: BackpressureState): void {
    this.ctx.logger.warn(
      { paused: state.paused, reason: state.reason },
      state.paused ? "broker asked to pause" : "broker resumed",
    );
  }

  backpressure(paused: boolean, reason: string): void {
    const ctx = this.ctx;
    const buffer = ctx.buffer;
    ctx.emitIf("backpressure", { paused, reason, bufferedBytes: buffer.usedBytes });
    const now = ctx.clock.now();
    if (paused && now - this.lastPressureLog >= 1000) {
      this.lastPressureLog = now;
      ctx.logger.warn(
        { reason, bufferedBytes: buffer.usedBytes, bufferMaxBytes: buffer.maxBytes, waiting: buffer.waiting },
        `producer under backpressure: ${reason}`,
      );
    }
  }

  closeFailed(error: unknown): void {
    this.ctx.logger.warn({ error: String(error) }, "transport close failed or outlasted close's timeout");
  }

  closed(undelivered: number): void {
    this.ctx.logger.info({ undelivered }, "producer closed");
  }
}
