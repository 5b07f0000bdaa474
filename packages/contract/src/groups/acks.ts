import { type Acks, OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { itWhen } from "../skip.js";

const LEVELS: readonly Acks[] = ["none", "leader", "all"];

/** Acks and delivery reports. */
export function ackTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;

  for (const acks of LEVELS) {
    const supported = caps.acks.includes(acks);
    itWhen(supported, `${ctx.name} does not support acks "${acks}"`)(
      `acks "${acks}": sends resolve and the messages arrive`,
      async () => {
        const topic = await ctx.topic();
        const producer = await ctx.producer({ serializer: "string", acks });
        const values = Array.from({ length: 5 }, (_, i) => `acks-${acks}-${i}`);
        const reports = await Promise.all(values.map((value) => producer.send({ topic, value })));
        for (const report of reports) expect(report.acknowledged).toBe(acks !== "none");
        const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
        expect(arrived.toSorted()).toEqual(values.toSorted());
      },
    );

    itWhen(!supported, `${ctx.name} supports acks "${acks}"`)(
      `acks "${acks}" is refused with INVALID_CONFIG naming acks`,
      async () => {
        const topic = await ctx.topic();
        const producer = await ctx.producer({ serializer: "string", acks });
        await expect(producer.send({ topic, value: "x" })).rejects.toMatchObject({
          code: "INVALID_CONFIG",
          message: expect.stringContaining("acks"),
        });
      },
    );
  }

  it("delivery reports carry the coordinates the broker holds the message at", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const values = Array.from({ length: 6 }, (_, i) => `coords-${i}`);
    const started = Date.now();
    const reports = new Map(
      await Promise.all(values.map(async (value) => [value, await producer.send({ topic, value })] as const)),
    );
    const arrived = await ctx.read(topic, values.length);
    expect(arrived).toHaveLength(values.length);
    for (const m of arrived) {
      const report = reports.get(asText(m.value))!;
      expect(report.topic).toBe(topic);
      expect(report.attempts).toBe(1);
      expect(report.acknowledged).toBe(true);
      expect(report.latencyMs).toBeGreaterThanOrEqual(0);
      expect(report.timestamp).toBeGreaterThanOrEqual(started - 60_000);
      if (caps.partitioned) expect(report.partition).toBe(m.partition);
      // Offsets and ids are compared where the broker has them and the probe can see them.
      if (m.offset !== undefined) expect(report.offset).toBe(m.offset);
      if (m.messageId !== undefined && report.messageId !== undefined)
        expect(report.messageId).toBe(m.messageId);
    }
  });

  it("ack and failure events fire once per message, and metrics count them", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "bytes" });
    const events: string[] = [];
    producer.on("ack", (e) => events.push(`ack:${asText(e.message.value as Uint8Array).slice(0, 4)}`));
    producer.on("failure", (e) => events.push(`failure:${e.error.code}`));
    await producer.sendMany([
      { topic, value: new TextEncoder().encode("ok-1") },
      { topic, value: new Uint8Array(caps.maxMessageBytes + 1) },
      { topic, value: new TextEncoder().encode("ok-2") },
    ]);
    expect(events.toSorted()).toEqual(["ack:ok-1", "ack:ok-2", "failure:MESSAGE_TOO_LARGE"]);
    expect(producer.metrics()).toMatchObject({ acked: 2, failed: 1, pending: 0 });
    expect(await ctx.read(topic, 2)).toHaveLength(2);
  });

  it("ack and failure listeners that throw change no message's fate: each settles once and is stored once", async () => {
    // A throwing listener used to hang batches, re-send acknowledged messages (9 and 15 stored
    // for 5 sent) or crash the process. It is reported on callbackError and nothing else.
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string" });
    const contained: string[] = [];
    producer.on("ack", () => {
      throw new Error("ack listener bug");
    });
    producer.on("failure", () => {
      throw new Error("failure listener bug");
    });
    producer.on("callbackError", (e) => contained.push(e.callback));
    const values = ["1", "2", "3", "4", "5"];
    const settled = await producer.sendMany([
      ...values.map((value) => ({ topic, value })),
      { topic, value: "x".repeat(caps.maxMessageBytes + 1) },
    ]);
    expect(settled.map((s) => s.status)).toEqual([...values.map(() => "fulfilled"), "rejected"]);
    const failed = settled[values.length];
    expect(failed?.status === "rejected" && failed.reason).toBeInstanceOf(OutboundError);
    expect(failed?.status === "rejected" && failed.reason.code).toBe("MESSAGE_TOO_LARGE");
    expect(contained.toSorted()).toEqual(
      [...values.map(() => "ack listener"), "failure listener"].toSorted(),
    );
    expect(producer.metrics()).toMatchObject({ acked: 5, failed: 1, callbackErrors: 6 });
    const arrived = (await ctx.readSettled(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values);
  });
}
