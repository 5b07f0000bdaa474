import type { ContractContext } from "@outbound/contract";
import { murmur2Partitioner } from "@outbound/core";
import { expect, it } from "vitest";

const encoder = new TextEncoder();

/** Kafka-specific cases run inside the contract suite, with its producers and probe. */
export function kafkaContractAdditionalTests(ctx: ContractContext): void {
  it("keyed messages land on murmur2(key) % partitions, the Java client's partition", async () => {
    const topic = await ctx.topic({ partitions: 5 });
    const producer = await ctx.producer({ serializer: "string" });
    const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
    const settled = await producer.sendMany(keys.map((key) => ({ topic, key, value: key })));
    expect(settled.every((s) => s.status === "fulfilled")).toBe(true);
    const arrived = await ctx.read(topic, keys.length);
    expect(arrived).toHaveLength(keys.length);
    for (const message of arrived) {
      const key = new TextDecoder().decode(message.key);
      const expected = murmur2Partitioner.partition({ topic, key: encoder.encode(key), partitions: 5 });
      expect(message.partition, key).toBe(expected);
    }
  });

  it("delivery reports carry the offset the broker assigned", async () => {
    const topic = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({ serializer: "string" });
    const reports = await Promise.all(["a", "b", "c"].map((value) => producer.send({ topic, value })));
    const arrived = await ctx.read(topic, 3);
    const offsetOf = new Map(arrived.map((m) => [new TextDecoder().decode(m.value), m.offset]));
    for (const [i, value] of ["a", "b", "c"].entries()) expect(reports[i]?.offset).toBe(offsetOf.get(value));
  });
}
