import type { ContractContext } from "@outbound/contract";
import type { MemoryBroker } from "@outbound/memory";
import { expect, it } from "vitest";

/**
 * Engine behaviour under broker faults, run as part of the memory contract suite: the memory
 * broker is the one transport whose faults are exact and instant.
 */
export function memoryFaultTests(ctx: ContractContext, broker: MemoryBroker): void {
  const fast = { retry: { initialMs: 5, maxMs: 20 } };

  it("a retriable request failure is retried and the message is stored once", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ ...fast, serializer: "string" });
    await producer.connect();
    broker.faults.failNext(2, { code: "BROKER_UNAVAILABLE" });
    const report = await producer.send({ topic, value: "retried" });
    expect(report.attempts).toBe(3);
    expect(broker.messages(topic).map((m) => m.text())).toEqual(["retried"]);
    expect(producer.metrics().retries).toBe(2);
  });

  it("a throttled failure is retried", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ ...fast, serializer: "string" });
    await producer.connect();
    broker.faults.failNext(1, { code: "THROTTLED" });
    await expect(producer.send({ topic, value: "slowed" })).resolves.toMatchObject({ attempts: 2 });
    expect(broker.count(topic)).toBe(1);
  });

  it("a terminal failure is not retried", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ ...fast, serializer: "string" });
    await producer.connect();
    broker.faults.failNext(1, { code: "NOT_AUTHORIZED" });
    await expect(producer.send({ topic, value: "denied" })).rejects.toMatchObject({ code: "NOT_AUTHORIZED" });
    expect(producer.metrics().retries).toBe(0);
    expect(broker.count(topic)).toBe(0);
  });

  it("order per key survives retried requests", async () => {
    const topic = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({ ...fast, serializer: "string", batchMaxRecords: 5 });
    await producer.connect();
    broker.faults.failNext(3, { code: "BROKER_UNAVAILABLE" });
    const values = Array.from({ length: 50 }, (_, i) => `seq-${i}`);
    await Promise.all(values.map((value) => producer.send({ topic, key: "k", value })));
    expect(broker.messages(topic).map((m) => m.text())).toEqual(values);
  });

  it("a partial batch failure settles each message on its own", async () => {
    const topic = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({ ...fast, serializer: "string", lingerMs: 20 });
    await producer.connect();
    const remove = broker.faults.rejectWhen(
      (r) => r.topic === topic && new TextDecoder().decode(r.value) === "poison",
      {
        code: "REJECTED",
      },
    );
    ctx.onCleanup(remove);
    const settled = await producer.sendMany(["a", "poison", "b", "c"].map((value) => ({ topic, value })));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(settled[1]?.status === "rejected" && settled[1].reason.code).toBe("REJECTED");
    expect(broker.messages(topic).map((m) => m.text())).toEqual(["a", "b", "c"]);
  });

  it("a retriable failure of one record retries only that record", async () => {
    const topic = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({ ...fast, serializer: "string", lingerMs: 20 });
    await producer.connect();
    broker.faults.failNext(1, { code: "BROKER_UNAVAILABLE", scope: "record" });
    const settled = await producer.sendMany(["x", "y", "z"].map((value) => ({ topic, value })));
    expect(settled.map((s) => s.status === "fulfilled" && s.value.attempts)).toEqual([2, 1, 1]);
    expect(
      broker
        .messages(topic)
        .map((m) => m.text())
        .toSorted(),
    ).toEqual(["x", "y", "z"]);
  });

  it("a hung broker fails the send by deliveryTimeoutMs and nothing is stored", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({
      ...fast,
      serializer: "string",
      requestTimeoutMs: 100,
      deliveryTimeoutMs: 400,
    });
    await producer.connect();
    broker.faults.hang();
    ctx.onCleanup(() => broker.faults.release());
    const started = performance.now();
    const error = await producer.send({ topic, value: "stuck" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(broker.count(topic)).toBe(0);
  });

  it("a duplicate id inside the dedup window is acknowledged and stored once", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const first = await producer.send({ topic, key: "k", value: "one", id: "order-1" });
    const second = await producer.send({ topic, key: "k", value: "one again", id: "order-1" });
    expect(second.offset).toBe(first.offset);
    expect(broker.messages(topic).map((m) => m.text())).toEqual(["one"]);
  });

  it("broker flow control reaches the producer's backpressure events, and held messages arrive", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const events: boolean[] = [];
    producer.on("backpressure", (e) => events.push(e.paused));
    await producer.connect();
    broker.faults.pause("test flow control");
    ctx.onCleanup(() => broker.faults.resume());
    const sent = producer.send({ topic, value: "held" });
    await new Promise((r) => setTimeout(r, 30));
    expect(broker.count(topic)).toBe(0);
    broker.faults.resume();
    await sent;
    expect(events).toEqual([true, false]);
    expect(broker.messages(topic).map((m) => m.text())).toEqual(["held"]);
  });
}
