import { expect } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";
import type { ProbedMessage } from "../probe.js";
import { itWhen } from "../skip.js";

/**
 * Puts probed messages in broker order: by partition and offset where the probe reports
 * offsets, otherwise in the order the probe returned them (each partition's in broker order).
 */
export function brokerOrder(messages: ProbedMessage[]): ProbedMessage[] {
  if (messages.some((m) => m.offset === undefined)) return messages;
  return messages.toSorted((a, b) =>
    a.partition !== b.partition ? a.partition - b.partition : Number(BigInt(a.offset!) - BigInt(b.offset!)),
  );
}

/** Sequence numbers per key, in broker order, from values shaped `<key>:<seq>`. */
function sequencesByKey(messages: ProbedMessage[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const m of brokerOrder(messages)) {
    const [key, seq] = asText(m.value).split(":");
    byKey.set(key!, [...(byKey.get(key!) ?? []), Number(seq)]);
  }
  return byKey;
}

const ascending = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Ordering: messages with the same key keep their send order. */
export function orderingTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;
  const unordered = caps.keyOrdering === "none";
  // FIFO-group transports (SQS) keep order only on FIFO destinations.
  const fifo = caps.keyOrdering === "group";

  itWhen(!unordered, "keys do not order messages")(
    "messages with the same key arrive in send order, keys interleaved",
    async () => {
      const topic = await ctx.topic({ fifo });
      const producer = await ctx.producer({ serializer: "string", lingerMs: 2 });
      const keys = ["k-a", "k-b", "k-c"];
      const perKey = 40;
      const sends: Promise<unknown>[] = [];
      for (let seq = 0; seq < perKey; seq++) {
        for (const key of keys) sends.push(producer.send({ topic, key, value: `${key}:${seq}` }));
      }
      await Promise.all(sends);
      const byKey = sequencesByKey(await ctx.read(topic, keys.length * perKey));
      for (const key of keys) expect(byKey.get(key), key).toEqual(ascending(perKey));
    },
  );

  itWhen(!unordered, "keys do not order messages")(
    "order per key holds across many small requests",
    async () => {
      const topic = await ctx.topic({ fifo });
      // One record per request: order then depends on the transport and the in-flight limit.
      const producer = await ctx.producer({ serializer: "string", batchMaxRecords: 1 });
      const count = 60;
      await Promise.all(
        ascending(count).map((seq) => producer.send({ topic, key: "only", value: `only:${seq}` })),
      );
      expect(sequencesByKey(await ctx.read(topic, count)).get("only")).toEqual(ascending(count));
    },
  );
}
