/**
 * A log-bucketed histogram: constant memory, about 2% relative precision, O(1) record. Enough
 * for latency percentiles in `metrics()` without a dependency on the hot path.
 */
export class LogHistogram {
  private static readonly GROWTH = 1.02;
  private static readonly INV_LOG = 1 / Math.log(LogHistogram.GROWTH);
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;
  private maxValue = 0;
  private minValue = Number.POSITIVE_INFINITY;

  /** @param maxTracked values above it land in the top bucket (still counted in max). */
  constructor(maxTracked = 3_600_000) {
    this.counts = new Float64Array(this.indexOf(maxTracked) + 2);
  }

  private indexOf(value: number): number {
    // Values are shifted by one so that 0 maps to bucket 0.
    return Math.floor(Math.log(value + 1) * LogHistogram.INV_LOG);
  }

  record(value: number): void {
    if (!(value >= 0)) return;
    const index = Math.min(this.indexOf(value), this.counts.length - 1);
    this.counts[index]! += 1;
    this.total += 1;
    this.sum += value;
    if (value > this.maxValue) this.maxValue = value;
    if (value < this.minValue) this.minValue = value;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxValue;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /** The value at percentile `p` (0-100); the bucket's upper bound, capped at the max seen. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const upper = LogHistogram.GROWTH ** (i + 1) - 1;
        return Math.max(this.minValue, Math.min(upper, this.maxValue));
      }
    }
    return this.maxValue;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maxValue = 0;
    this.minValue = Number.POSITIVE_INFINITY;
  }
}
