import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqsProbe, type SqsProbe } from "./probe.js";
import {
  batch,
  context,
  outcomes,
  record,
  sqsEndpoint,
  testTransport,
  text,
  uniqueQueue,
} from "./support.js";
import { type SqsProxy, sqsProxy } from "./toxiproxy.js";

let probe: SqsProbe;
let proxy: SqsProxy;

beforeAll(async () => {
  probe = createSqsProbe({ endpoint: sqsEndpoint() });
  proxy = await sqsProxy("outbound-sqs-faults", 19325);
});

afterAll(async () => {
  await proxy?.remove();
  await probe?.close();
});

describe("whole-request failures", () => {
  it("reports a request written but never answered as TIMEOUT with an unknown outcome", async () => {
    const q = uniqueQueue("stalled");
    await probe.createTopic(q, { partitions: 1 });
    const transport = testTransport({ endpoint: proxy.endpoint, requestTimeoutMs: 1_000 });
    const release = await (async () => {
      await transport.partitions(q); // resolved while the proxy still answers
      return proxy.stall();
    })();
    try {
      const started = performance.now();
      await expect(transport.send(batch(q, [record(q)]), context())).rejects.toMatchObject({
        code: "TIMEOUT",
        kind: "unknown-outcome",
        transport: "sqs",
      });
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await release();
      await transport.close();
    }
  });

  it("reports a written request the engine gives up on as TIMEOUT with an unknown outcome", async () => {
    const q = uniqueQueue("aborted");
    await probe.createTopic(q, { partitions: 1 });
    const transport = testTransport({ endpoint: proxy.endpoint });
    await transport.partitions(q);
    const release = await proxy.stall();
    try {
      const controller = new AbortController();
      const sending = transport.send(batch(q, [record(q)]), { signal: controller.signal, timeoutMs: 30_000 });
      setTimeout(() => controller.abort(), 300);
      await expect(sending).rejects.toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    } finally {
      await release();
      await transport.close();
    }
  });

  it("reports an unreachable endpoint as BROKER_UNAVAILABLE, safe to retry", async () => {
    // Nothing listens on port 1: the request never leaves, so a retry cannot duplicate.
    const transport = testTransport({ endpoint: "http://127.0.0.1:1" });
    try {
      await expect(transport.partitions("anything")).rejects.toMatchObject({
        code: "BROKER_UNAVAILABLE",
        kind: "retriable",
      });
      const url = "http://127.0.0.1:1/000000000000/anything";
      await expect(transport.send(batch(url, [record(url)]), context())).rejects.toMatchObject({
        code: "BROKER_UNAVAILABLE",
        kind: "retriable",
      });
    } finally {
      await transport.close();
    }
  });

  it("sends again through the same transport once dropped connections come back", async () => {
    const q = uniqueQueue("dropped");
    await probe.createTopic(q, { partitions: 1 });
    const transport = testTransport({ endpoint: proxy.endpoint });
    try {
      expect(outcomes(await transport.send(batch(q, [record(q)]), context()))).toEqual(["ok"]);
      await proxy.dropConnections();
      expect(outcomes(await transport.send(batch(q, [record(q)]), context()))).toEqual(["ok"]);
    } finally {
      await transport.close();
    }
    expect(await probe.read(q, { count: 2, timeoutMs: 3_000 })).toHaveLength(2);
  });
});

describe("FIFO through connection drops", () => {
  it("keeps each group in order, once, while connections drop mid-stream", async () => {
    const q = uniqueQueue("fifo-drops", true);
    await probe.createTopic(q, { partitions: 1, fifo: true });
    const producer = createProducer({
      transport: testTransport({ endpoint: proxy.endpoint }),
      serializer: "string",
      lingerMs: 2,
      retry: { initialMs: 20, maxMs: 200 },
    });
    const groups = ["a", "b", "c"];
    const perGroup = 30;
    const sends: Promise<unknown>[] = [];
    try {
      await producer.connect();
      for (let seq = 0; seq < perGroup; seq++) {
        // The id makes a retry after an unknown outcome a duplicate SQS drops.
        for (const g of groups)
          sends.push(producer.send({ topic: q, key: g, id: `${g}-${seq}`, value: `${g}:${seq}` }));
        if (seq % 10 === 5) await proxy.dropConnections();
        await new Promise((r) => setTimeout(r, 5));
      }
      const settled = await Promise.allSettled(sends);
      expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    } finally {
      await producer.close();
    }
    const read = await probe.read(q, { count: groups.length * perGroup + 1, timeoutMs: 8_000 });
    for (const g of groups) {
      const seen = read.map((m) => text(m.value)).filter((v) => v.startsWith(`${g}:`));
      expect(seen, g).toEqual(Array.from({ length: perGroup }, (_, i) => `${g}:${i}`));
    }
  });
});
