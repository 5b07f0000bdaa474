import { LogHistogram } from "./histogram.js";

export interface PercentileSummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** What `producer.metrics()` returns. Latencies are milliseconds from `send()` to settlement. */
export interface ProducerMetrics {
  /** Messages accepted by `send()`. */
  sent: number;
  acked: number;
  failed: number;
  /** Records sent again after a retriable failure. */
  retries: number;
  /** Messages accepted and not yet settled. */
  pending: number;
  bufferedBytes: number;
  bufferMaxBytes: number;
  /** Requests to the broker. */
  requests: number;
  inFlightRequests: number;
  batchRecords: PercentileSummary;
  batchBytes: PercentileSummary;
  latencyMs: PercentileSummary;
  /** `send()` calls that had to wait for buffer space, and those rejected with BUFFER_FULL. */
  blockedSends: number;
  rejectedBufferFull: number;
  /** Failed messages written to the dead-letter sink. */
  deadLettered: number;
  /**
   * Times user code the engine called on its own schedule threw (listeners, the logger,
   * `deadLetter.when`, the OpenTelemetry SDK); each is also a `callbackError` event.
   */
  callbackErrors: number;
}

function summarize(h: LogHistogram): PercentileSummary {
  return {
    count: h.count,
    mean: h.mean,
    p50: h.percentile(50),
    p90: h.percentile(90),
    p99: h.percentile(99),
    p999: h.percentile(99.9),
    max: h.max,
  };
}

/** Counters the engine bumps on its hot path; snapshots are taken on demand. */
export class MetricsRecorder {
  sent = 0;
  acked = 0;
  failed = 0;
  retries = 0;
  requests = 0;
  blockedSends = 0;
  rejectedBufferFull = 0;
  deadLettered = 0;
  readonly batchRecords = new LogHistogram(1_000_000);
  readonly batchBytes = new LogHistogram(1024 * 1024 * 1024);
  readonly latency = new LogHistogram();

  snapshot(live: {
    pending: number;
    bufferedBytes: number;
    bufferMaxBytes: number;
    inFlightRequests: number;
    callbackErrors: number;
  }): ProducerMetrics {
    return {
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      retries: this.retries,
      requests: this.requests,
      blockedSends: this.blockedSends,
      rejectedBufferFull: this.rejectedBufferFull,
      deadLettered: this.deadLettered,
      ...live,
      batchRecords: summarize(this.batchRecords),
      batchBytes: summarize(this.batchBytes),
      latencyMs: summarize(this.latency),
    };
  }
}
