import type { ContractContext } from "../context.js";
import { expectSendOrder } from "../send-order.js";
import { itWhen } from "../skip.js";

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
      expectSendOrder(await ctx.read(topic, keys.length * perKey), keys, perKey);
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
        Array.from({ length: count }, (_, seq) =>
          producer.send({ topic, key: "only", value: `only:${seq}` }),
        ),
      );
      expectSendOrder(await ctx.read(topic, count), ["only"], count);
    },
  );
}
