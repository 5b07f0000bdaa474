import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

/**
 * Distinct values on `topic`. Retries across a drop may store some messages twice
 * (at-least-once), and a read bounded by the number sent would then stop before it saw every
 * distinct one; so it asks for twice as many and waits the full read timeout.
 */
async function readAllCopies(ctx: ContractContext, topic: string, sent: number): Promise<Set<string>> {
  return new Set((await ctx.read(topic, sent * 2)).map((m) => asText(m.value)));
}

/** Recovery: the producer rides out a dropped connection without losing acknowledged messages. */
export function recoveryTests(ctx: ContractContext): void {
  it("messages sent before and after a connection drop all arrive, through the same producer", async ({
    skip,
  }) => {
    const probe = ctx.probe();
    skip(!probe.dropConnections, "the probe cannot drop connections");
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const before = Array.from({ length: 10 }, (_, i) => `before-${i}`);
    const after = Array.from({ length: 10 }, (_, i) => `after-${i}`);
    await Promise.all(before.map((value) => producer.send({ topic, value })));
    await probe.dropConnections!();
    const settled = await producer.sendMany(after.map((value) => ({ topic, value })));
    expect(settled.map((s) => s.status)).toEqual(after.map(() => "fulfilled"));
    const arrived = await readAllCopies(ctx, topic, 20);
    for (const value of [...before, ...after]) expect(arrived.has(value), value).toBe(true);
  });

  it("every message reported delivered while the connection drops is held by the broker", async ({
    skip,
  }) => {
    const probe = ctx.probe();
    skip(!probe.dropConnections, "the probe cannot drop connections");
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `during-${i}`);
    const sends: Promise<unknown>[] = [];
    for (const [i, value] of values.entries()) {
      sends.push(producer.send({ topic, value }));
      if (i === 10) await probe.dropConnections!();
      else await new Promise((r) => setTimeout(r, 5));
    }
    const settled = await Promise.allSettled(sends);
    const delivered = values.filter((_, i) => settled[i]?.status === "fulfilled");
    expect(delivered.length).toBeGreaterThan(0);
    // Messages whose outcome was unknown may also be there; only those reported delivered must be.
    const arrived = await readAllCopies(ctx, topic, values.length);
    for (const value of delivered) expect(arrived.has(value), value).toBe(true);
  });
}
