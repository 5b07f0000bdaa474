import { OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

/** Tracks which sends have settled, without awaiting them. */
function track<T>(promises: Promise<T>[]) {
  const settled: PromiseSettledResult<T>[] = [];
  const all = promises.map((p, i) =>
    p.then(
      (value) => {
        settled[i] = { status: "fulfilled", value };
      },
      (reason: unknown) => {
        settled[i] = { status: "rejected", reason };
      },
    ),
  );
  return { settled, done: () => Promise.all(all).then(() => settled) };
}

/** Flush and close: buffered messages are sent on demand, and close never drops a message. */
export function flushCloseTests(ctx: ContractContext): void {
  it("flush() sends what lingers and resolves once every message is settled", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string", lingerMs: 30_000 });
    const values = Array.from({ length: 10 }, (_, i) => `flush-${i}`);
    const sends = track(values.map((value) => producer.send({ topic, value })));
    const started = performance.now();
    await producer.flush();
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(sends.settled.filter((s) => s?.status === "fulfilled")).toHaveLength(values.length);
    const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values.toSorted());
  });

  it("flush() on a producer with nothing buffered resolves at once", async () => {
    const producer = await ctx.producer();
    await expect(producer.flush()).resolves.toBeUndefined();
  });

  it("close() delivers what is buffered and returns nothing undelivered", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string", lingerMs: 30_000 });
    const values = Array.from({ length: 10 }, (_, i) => `close-${i}`);
    const sends = track(values.map((value) => producer.send({ topic, value })));
    const { undelivered } = await producer.close({ timeoutMs: 20_000 });
    expect(undelivered).toEqual([]);
    expect((await sends.done()).map((s) => s.status)).toEqual(values.map(() => "fulfilled"));
    const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values.toSorted());
  });

  it("close() on a stalled broker returns the unsent messages and rejects their sends", async ({ skip }) => {
    const probe = ctx.probe();
    skip(!probe.stall, "the probe cannot stall the broker");
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    await producer.connect();
    const release = await probe.stall!();
    ctx.onCleanup(release);
    const values = Array.from({ length: 5 }, (_, i) => `stalled-${i}`);
    const sends = track(values.map((value) => producer.send({ topic, value })));
    const { undelivered } = await producer.close({ timeoutMs: 300 });
    expect(undelivered.map((u) => u.message.value).toSorted()).toEqual(values.toSorted());
    for (const { error } of undelivered) {
      expect(error).toBeInstanceOf(OutboundError);
      expect(["CLOSED", "TIMEOUT"]).toContain(error.code);
    }
    const settled = await sends.done();
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect(s.status === "rejected" && s.reason).toBeInstanceOf(OutboundError);
    }
  });

  it("close() that runs out of time accounts for every message: delivered or returned", async ({ skip }) => {
    skip(Boolean(ctx.probe().stall), "covered deterministically by the stalled-broker test");
    const topic = await ctx.topic();
    // One record per request and one request in flight: far more round trips than 20 ms allows.
    const producer = await ctx.producer({
      serializer: "string",
      batchMaxRecords: 1,
      maxInFlightPerPartition: 1,
    });
    await producer.connect();
    const values = Array.from({ length: 3000 }, (_, i) => `race-${i}`);
    const sends = track(values.map((value) => producer.send({ topic, key: "one-partition", value })));
    const { undelivered } = await producer.close({ timeoutMs: 20 });
    const settled = await sends.done();
    expect(undelivered.length).toBeGreaterThan(0);
    const returned = new Set(undelivered.map((u) => u.message.value as string));
    const delivered = values.filter((_, i) => settled[i]?.status === "fulfilled");
    expect(delivered.length + returned.size).toBe(values.length);
    for (const value of delivered) expect(returned.has(value)).toBe(false);
    const arrived = new Set((await ctx.read(topic, delivered.length)).map((m) => asText(m.value)));
    for (const value of delivered) expect(arrived.has(value), value).toBe(true);
  });

  it("a send after close() rejects with CLOSED, and closing twice is safe", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    await producer.send({ topic, value: "before-close" });
    const first = await producer.close({ timeoutMs: 5_000 });
    const second = await producer.close({ timeoutMs: 5_000 });
    expect(first.undelivered).toEqual([]);
    expect(second.undelivered).toEqual([]);
    await expect(producer.send({ topic, value: "after-close" })).rejects.toMatchObject({ code: "CLOSED" });
    const arrived = (await ctx.readSettled(topic, 1)).map((m) => asText(m.value));
    expect(arrived).toEqual(["before-close"]);
  });
}
