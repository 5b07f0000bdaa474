import { OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import { asText, hex } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { itWhen } from "../skip.js";

const encoder = new TextEncoder();

/** A value of `size` bytes that starts with `label`, so a probe read can tell values apart. */
function labelled(label: string, size: number): Uint8Array {
  const value = new Uint8Array(size).fill(0x61);
  value.set(encoder.encode(label).subarray(0, size));
  return value;
}

/** Limits: size limits are enforced per message, never at the cost of the rest of a batch. */
export function limitTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;
  // Room for the transport's own per-message overhead (record framing, attributes).
  const nearLimit = Math.max(1, caps.maxMessageBytes - 1024);

  it("an oversize message gets MESSAGE_TOO_LARGE and the rest of its batch still arrives", async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "bytes" });
    const settled = await producer.sendMany([
      { topic, value: encoder.encode("before-1") },
      { topic, value: encoder.encode("before-2") },
      { topic, value: labelled("too-big", caps.maxMessageBytes + 1) },
      { topic, value: encoder.encode("after") },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const failure = settled[2];
    expect(failure?.status === "rejected" && failure.reason).toBeInstanceOf(OutboundError);
    expect(failure?.status === "rejected" && failure.reason).toMatchObject({
      code: "MESSAGE_TOO_LARGE",
      kind: "terminal",
    });
    const arrived = (await ctx.readSettled(topic, 3)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(["after", "before-1", "before-2"]);
  });

  it(`a message just under the limit (${nearLimit} bytes) arrives intact`, async () => {
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "bytes" });
    const value = Uint8Array.from({ length: nearLimit }, (_, i) => (i * 13) % 251);
    await producer.send({ topic, value });
    const [probed] = await ctx.read(topic, 1);
    expect(probed?.value.byteLength).toBe(nearLimit);
    expect(hex(probed!.value)).toBe(hex(value));
  });

  it("a sendMany split over many requests arrives in full", async () => {
    const topic = await ctx.topic();
    const perRequest = Math.min(10, caps.maxBatchRecords);
    const producer = await ctx.producer({ serializer: "string", batchMaxRecords: perRequest });
    const values = Array.from({ length: perRequest * 25 + 3 }, (_, i) => `split-${i}`);
    const settled = await producer.sendMany(values.map((value) => ({ topic, value })));
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(values.length);
    expect(producer.metrics().requests).toBeGreaterThanOrEqual(25);
    const arrived = (await ctx.read(topic, values.length)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(values.toSorted());
  });

  const bigSize = Math.min(nearLimit, Math.floor(caps.maxBatchBytes / 2));
  const bigCount = Math.floor(caps.maxBatchBytes / bigSize) + 2;
  itWhen(bigCount <= 64, `it would take ${bigCount} messages`)(
    `large messages whose total exceeds one request's byte limit all arrive`,
    async () => {
      const topic = await ctx.topic();
      const producer = await ctx.producer({ serializer: "bytes" });
      const values = Array.from({ length: bigCount }, (_, i) => labelled(`big-${i}:`, bigSize));
      const settled = await producer.sendMany(values.map((value) => ({ topic, value })));
      expect(settled.map((s) => s.status)).toEqual(values.map(() => "fulfilled"));
      const arrived = await ctx.read(topic, bigCount);
      expect(arrived.map((m) => m.value.byteLength)).toEqual(values.map(() => bigSize));
      const labels = arrived.map((m) => asText(m.value.subarray(0, 12)).split(":")[0]);
      expect(labels.toSorted()).toEqual(values.map((_, i) => `big-${i}`).toSorted());
    },
  );
}
