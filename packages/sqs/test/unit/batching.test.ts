import { describe, expect, it } from "vitest";
import { planRequests } from "../../src/batching.js";

const entries = (...sizes: number[]) => sizes.map((sizeBytes, index) => ({ index, sizeBytes }));
const indices = (requests: { index: number }[][]) => requests.map((r) => r.map((e) => e.index));

describe("planRequests", () => {
  it("puts at most 10 entries in a request", () => {
    const plan = planRequests(entries(...new Array(23).fill(1)), { maxEntries: 10, maxBytes: 1_000 });
    expect(plan.map((r) => r.length)).toEqual([10, 10, 3]);
  });

  it("starts a new request before the byte total would pass the limit", () => {
    const plan = planRequests(entries(400, 400, 300, 100, 900, 1000), { maxEntries: 10, maxBytes: 1000 });
    expect(indices(plan)).toEqual([[0, 1], [2, 3], [4], [5]]);
  });

  it("keeps the given order, so FIFO groups stay in order", () => {
    const plan = planRequests(entries(600, 100, 600, 100), { maxEntries: 10, maxBytes: 1000 });
    expect(plan.flat().map((e) => e.index)).toEqual([0, 1, 2, 3]);
  });

  it("plans nothing for nothing", () => {
    expect(planRequests([], { maxEntries: 10, maxBytes: 1000 })).toEqual([]);
  });
});
