import { resolvePartitioner } from "@outbound/core";
import { expect } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { itWhen } from "../skip.js";

/** Partitioning: a key always reaches the same partition; keyless messages spread. */
export function partitioningTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;
  const unpartitioned = !caps.partitioned;
  const partitions = 4;

  itWhen(!unpartitioned, "destinations are not partitioned")(
    "messages with the same key always reach the same partition",
    async () => {
      const topic = await ctx.topic({ partitions });
      const keys = Array.from({ length: 8 }, (_, i) => `customer-${i}`);
      const reported = new Map<string, number | undefined>();
      // Three rounds, each through a new producer, so the mapping cannot be per-producer state.
      for (let round = 0; round < 3; round++) {
        const producer = await ctx.producer({ serializer: "string" });
        for (const key of keys) {
          const value = `${key}|${round}`;
          reported.set(value, (await producer.send({ topic, key, value })).partition);
        }
      }
      const arrived = await ctx.read(topic, keys.length * 3);
      expect(arrived).toHaveLength(keys.length * 3);
      const partitionsByKey = new Map<string, Set<number>>();
      for (const m of arrived) {
        const value = asText(m.value);
        const key = value.split("|")[0]!;
        partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(m.partition));
        expect(reported.get(value), `reported partition of ${value}`).toBe(m.partition);
      }
      for (const key of keys) expect(partitionsByKey.get(key)?.size, key).toBe(1);
    },
  );

  itWhen(!unpartitioned, "destinations are not partitioned")(
    `keyed messages land where the declared default partitioner (${caps.defaultPartitioner}) puts them`,
    async () => {
      const topic = await ctx.topic({ partitions });
      const producer = await ctx.producer({ serializer: "string" });
      const partitioner = resolvePartitioner(caps.defaultPartitioner);
      const keys = Array.from({ length: 12 }, (_, i) => `order-${i * 31}`);
      await producer.sendMany(keys.map((key) => ({ topic, key, value: key })));
      const arrived = await ctx.read(topic, keys.length);
      expect(arrived).toHaveLength(keys.length);
      for (const m of arrived) {
        const key = asText(m.value);
        const expected = partitioner.partition({ topic, key: new TextEncoder().encode(key), partitions });
        expect(m.partition, key).toBe(expected);
      }
    },
  );

  itWhen(!unpartitioned, "destinations are not partitioned")(
    "keyless messages spread over several partitions",
    async () => {
      const topic = await ctx.topic({ partitions });
      const producer = await ctx.producer({ serializer: "string" });
      // Awaiting each send closes a batch each time, which moves the sticky partition.
      for (let i = 0; i < 24; i++) await producer.send({ topic, value: `keyless-${i}` });
      const used = new Set((await ctx.read(topic, 24)).map((m) => m.partition));
      expect(used.size).toBeGreaterThan(1);
    },
  );

  itWhen(!unpartitioned, "destinations are not partitioned")(
    "an explicit partition is honoured",
    async () => {
      const topic = await ctx.topic({ partitions });
      const producer = await ctx.producer({ serializer: "string" });
      const report = await producer.send({ topic, key: "any", value: "pinned", partition: partitions - 1 });
      expect(report.partition).toBe(partitions - 1);
      const [probed] = await ctx.read(topic, 1);
      expect(probed?.partition).toBe(partitions - 1);
    },
  );
}
