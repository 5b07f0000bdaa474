import { describe, expect, it } from "vitest";
import { runInGroupOrder } from "../../src/group-order.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("runInGroupOrder", () => {
  it("starts a request only after earlier requests of the same group settle", async () => {
    const log: string[] = [];
    const requests = [
      { name: "a1", groups: ["a"], ms: 30 },
      { name: "b1", groups: ["b"], ms: 5 },
      { name: "a2", groups: ["a", "c"], ms: 1 },
      { name: "c1", groups: ["c"], ms: 1 },
    ];
    await runInGroupOrder(
      requests,
      (r) => new Set(r.groups),
      async (r) => {
        log.push(`start ${r.name}`);
        await sleep(r.ms);
        log.push(`end ${r.name}`);
      },
    );
    expect(log.indexOf("start a2")).toBeGreaterThan(log.indexOf("end a1"));
    expect(log.indexOf("start c1")).toBeGreaterThan(log.indexOf("end a2"));
    // b has no earlier request, so it overlaps a1.
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
  });

  it("runs requests without groups all at once", async () => {
    let running = 0;
    let peak = 0;
    await runInGroupOrder(
      [1, 2, 3, 4],
      () => new Set(),
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5);
        running--;
      },
    );
    expect(peak).toBe(4);
  });
});
