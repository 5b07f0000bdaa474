/** Robust summaries of a few trial rounds: median and relative spread, no distribution assumed. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Relative spread: (max - min) / median. With five rounds this is the whole observed range, which
 * is what a reader needs to judge a ratio; 0 for fewer than two values.
 */
export function spread(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return 0;
  const m = median(finite);
  if (m === 0) return 0;
  return (Math.max(...finite) - Math.min(...finite)) / Math.abs(m);
}

/** Above this relative spread a comparison is marked noisy: its ratio may move by that much between runs. */
export const NOISY_SPREAD = 0.25;

export interface RatioSummary {
  median: number;
  spread: number;
  noisy: boolean;
  rounds: number;
}

/**
 * Ratio of A to B taken round by round (each round's A against the same round's B, which ran next to
 * it under the same background load), then summarized. Rounds missing either side are skipped.
 */
export function pairedRatio(
  a: readonly (number | undefined)[],
  b: readonly (number | undefined)[],
): RatioSummary {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y > 0)
      ratios.push(x / y);
  }
  const s = spread(ratios);
  return { median: median(ratios), spread: s, noisy: s > NOISY_SPREAD, rounds: ratios.length };
}

/** ABBA order: even rounds run the targets forward, odd rounds backward, so drift hits both sides alike. */
export function abbaOrder<T>(targets: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...targets] : [...targets].reverse();
}
