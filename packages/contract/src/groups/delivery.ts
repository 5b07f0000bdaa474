import { OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

/** Delivery: every acknowledged message arrives, and nothing unacknowledged is reported delivered. */
export function deliveryTests(ctx: ContractContext): void {
  it("every acknowledged message arrives, once", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const values = Array.from({ length: 60 }, (_, i) => `delivery-${i}`);
    const settled = await producer.sendMany(values.map((value) => ({ topic, value })));
    expect(settled.map((s) => s.status)).toEqual(values.map(() => "fulfilled"));
    const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values.toSorted());
  });

  it("messages sent one at a time with send() all arrive", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const values = Array.from({ length: 10 }, (_, i) => `single-${i}`);
    for (const value of values) {
      const report = await producer.send({ topic, value });
      expect(report.topic).toBe(topic);
    }
    const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values.toSorted());
  });

  it("a message that fails is reported failed and is not held by the broker; the others are", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "bytes" });
    const acked: unknown[] = [];
    const failed: unknown[] = [];
    producer.on("ack", (e) => acked.push(e.message.value));
    producer.on("failure", (e) => failed.push(e.message.value));
    const good = (text: string) => new TextEncoder().encode(text);
    const oversize = new Uint8Array(ctx.capabilities.maxMessageBytes + 1);
    const settled = await producer.sendMany([
      { topic, value: good("kept-1") },
      { topic, value: oversize },
      { topic, value: good("not-kept"), headers: { bad: 42 as unknown as string } },
      { topic, value: good("kept-2") },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    for (const s of settled) if (s.status === "rejected") expect(s.reason).toBeInstanceOf(OutboundError);
    expect(acked).toHaveLength(2);
    expect(failed).toHaveLength(2);
    const arrived = (await ctx.readSettled(topic, 2)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(["kept-1", "kept-2"]);
  });

  it("sendMany settles one result per message, in the order given", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "bytes" });
    const messages = Array.from({ length: 8 }, (_, i) => ({
      topic,
      value: i === 5 ? new Uint8Array(ctx.capabilities.maxMessageBytes + 1) : new Uint8Array([i]),
    }));
    const settled = await producer.sendMany(messages);
    expect(settled).toHaveLength(messages.length);
    expect(settled.map((s) => s.status)).toEqual(
      messages.map((_, i) => (i === 5 ? "rejected" : "fulfilled")),
    );
    const rejected = settled[5];
    expect(rejected?.status === "rejected" && rejected.reason.code).toBe("MESSAGE_TOO_LARGE");
    expect((await ctx.read(topic, 7)).map((m) => m.value[0]).toSorted()).toEqual([0, 1, 2, 3, 4, 6, 7]);
  });
}
