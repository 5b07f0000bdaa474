import { describe, expect, it } from "vitest";
import { abbaOrder, median, pairedRatio, spread } from "../src/stats.js";

describe("bench stats", () => {
  it("takes the median of odd and even counts without reordering the input", () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("reports spread as the range over the median", () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(spread([100])).toBe(0);
  });

  it("pairs ratios by round and skips rounds missing a side", () => {
    const r = pairedRatio([200, undefined, 300, 100], [100, 100, 100, 0]);
    expect(r.rounds).toBe(2);
    expect(r.median).toBe(2.5);
    expect(r.spread).toBeCloseTo(0.4);
    expect(r.noisy).toBe(true);
  });

  it("alternates ABBA: forward on even rounds, backward on odd rounds", () => {
    expect(abbaOrder(["A", "B", "C"], 0)).toEqual(["A", "B", "C"]);
    expect(abbaOrder(["A", "B", "C"], 1)).toEqual(["C", "B", "A"]);
  });
});
