import { type DeliveryReport, LogHistogram, OutboundError } from "@outbound/core";

/** Figures of one perf run: totals since the start, and an interval the progress line resets. */
export class PerfStats {
  sent = 0;
  acked = 0;
  failed = 0;
  readonly errors = new Map<string, number>();
  private readonly latency = new LogHistogram();
  private readonly intervalLatency = new LogHistogram();
  private intervalAcked = 0;
  private intervalStartedAt: number;
  private lastAckAt: number;

  constructor(
    private readonly size: number,
    readonly startedAt = performance.now(),
  ) {
    this.intervalStartedAt = startedAt;
    this.lastAckAt = startedAt;
  }

  get unsettled(): number {
    return this.sent - this.acked - this.failed;
  }

  ack(report: DeliveryReport): void {
    this.acked++;
    this.intervalAcked++;
    this.latency.record(report.latencyMs);
    this.intervalLatency.record(report.latencyMs);
    this.lastAckAt = performance.now();
  }

  fail(error: unknown): void {
    this.failed++;
    const code = error instanceof OutboundError ? error.code : "INTERNAL";
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** The interval since the last call: acknowledged rate and latency percentiles, then reset. */
  takeInterval(now = performance.now()) {
    const seconds = Math.max((now - this.intervalStartedAt) / 1_000, 1e-9);
    const figures = {
      elapsedSeconds: (now - this.startedAt) / 1_000,
      ackedPerSecond: this.intervalAcked / seconds,
      p50Ms: this.intervalLatency.count > 0 ? this.intervalLatency.percentile(50) : undefined,
      p99Ms: this.intervalLatency.count > 0 ? this.intervalLatency.percentile(99) : undefined,
    };
    this.intervalAcked = 0;
    this.intervalLatency.reset();
    this.intervalStartedAt = now;
    return figures;
  }

  /** The whole run. Throughput is over the time from the start to the last acknowledgment. */
  totals(now = performance.now()) {
    const ackedSeconds = Math.max((this.lastAckAt - this.startedAt) / 1_000, 1e-9);
    const h = this.latency;
    const pct = (p: number) => (h.count > 0 ? round(h.percentile(p)) : null);
    return {
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      /** From the first send until every message was settled. */
      seconds: round((now - this.startedAt) / 1_000),
      /** From the first send to the last acknowledgment: what the rates are over. */
      ackedSeconds: round(this.acked > 0 ? ackedSeconds : 0),
      messagesPerSecond: round(this.acked / ackedSeconds),
      megabytesPerSecond: round((this.acked * this.size) / 1_048_576 / ackedSeconds),
      latencyMs: {
        mean: h.count > 0 ? round(h.mean) : null,
        p50: pct(50),
        p95: pct(95),
        p99: pct(99),
        p999: pct(99.9),
        max: h.count > 0 ? round(h.max) : null,
      },
      errors: Object.fromEntries(this.errors),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
