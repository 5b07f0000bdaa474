import { randomUUID } from "node:crypto";
import { removeMemoryBroker } from "@outbound/memory";
import { expect, it } from "vitest";
import { runOutboxDemo } from "../src/run-outbox-demo.js";

it("pnpm demo --outbox publishes every committed change, in order per order, and no rolled-back one", async () => {
  const brokerName = `demo-outbox-${randomUUID().slice(0, 8)}`;
  const lines: string[] = [];
  try {
    const summary = await runOutboxDemo({
      orders: 20,
      topic: "orders",
      brokerName,
      print: (l) => lines.push(l),
    });
    // 60 events (20 orders x 3 steps), every 25th rolled back.
    expect(summary).toEqual({ committed: 58, rolledBack: 2, published: 58, held: 58, keysInOrder: true });
    expect(lines.join("\n")).toContain("outbox backlog after: 0 rows");
  } finally {
    removeMemoryBroker(brokerName);
  }
});
