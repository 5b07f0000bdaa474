import { connect } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";
import { batch, record, sendContext } from "./records.js";
import { createAmqpProxy } from "./toxiproxy.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("rabbitmq: the confirm window", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;
  const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(async () => {
    vhost = await createTestVhost("window");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  it("never has more unconfirmed publishes than the window, and fills it", async () => {
    const topic = unique("bounded");
    await probe.createTopic(topic, { partitions: 1 });
    const transport = rabbitmqTransport({ url: vhost.url, destination: "queue", confirmWindow: 50 });
    try {
      const records = Array.from({ length: 3_000 }, (_, i) => record(topic, `w-${i}`));
      // Two concurrent requests share the one window.
      const [first, second] = await Promise.all([
        transport.send(batch(topic, records.slice(0, 1_500)), sendContext()),
        transport.send(batch(topic, records.slice(1_500)), sendContext()),
      ]);
      expect([...first, ...second].every((r) => r.ok)).toBe(true);
      expect(transport.confirmWindow.peak).toBe(50);
      expect(transport.confirmWindow.outstanding).toBe(0);
      expect(await probe.depth(topic)).toBe(3_000);
    } finally {
      await transport.close();
    }
  });

  it("a nack fails that message with REJECTED (retriable); acked neighbours succeed", async () => {
    const topic = unique("nack");
    const admin = await connect(vhost.url);
    try {
      // A full queue with overflow reject-publish makes the broker nack further publishes.
      const channel = await admin.createChannel();
      await channel.assertQueue(topic, {
        durable: true,
        maxLength: 3,
        arguments: { "x-overflow": "reject-publish" },
      });
    } finally {
      await admin.close();
    }
    const transport = rabbitmqTransport({ url: vhost.url, destination: "queue" });
    try {
      const results = await transport.send(
        batch(
          topic,
          Array.from({ length: 6 }, (_, i) => record(topic, `n-${i}`)),
        ),
        sendContext(),
      );
      expect(results.map((r) => (r.ok ? "ok" : `${r.error.code}/${r.error.kind}`))).toEqual([
        "ok",
        "ok",
        "ok",
        "REJECTED/retriable",
        "REJECTED/retriable",
        "REJECTED/retriable",
      ]);
      const held = await probe.read(topic, { count: 4, timeoutMs: 2_000 });
      expect(held.map((m) => text(m.value))).toEqual(["n-0", "n-1", "n-2"]);
    } finally {
      await transport.close();
    }
  });

  it("settles every pending publish when the connection is cut (amqplib#191), and every ok is held", async () => {
    const topic = unique("cut");
    await probe.createTopic(topic, { partitions: 1 });
    // Confirms delayed by 20 ms through a proxy cap a window of 50 at 2,500 msg/s, so 20k records
    // take 8 s however fast the machine is, and the cut (rabbitmqctl needs 1-2 s to act) always
    // lands in the middle of the stream. Timing alone let a quiet machine finish first.
    const proxy = await createAmqpProxy("window-cut");
    const removeLatency = await proxy.latency(20);
    const transport = rabbitmqTransport({
      url: proxy.urlFor(vhost.vhost),
      destination: "queue",
      confirmWindow: 50,
    });
    try {
      await transport.connect();
      const records = Array.from({ length: 20_000 }, (_, i) => record(topic, `c-${i}`));
      const sending = transport.send(batch(topic, records), sendContext(60_000));
      await probe.dropConnections();
      // Must resolve (not hang), with one result per record.
      const results = await sending;
      expect(results).toHaveLength(records.length);
      const outcomes = new Map<string, number>();
      for (const r of results) {
        const outcome = r.ok ? "ok" : `${r.error.code}/${r.error.kind}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // Only confirmed, unknown-outcome (written, unanswered) or retriable (never written).
      for (const outcome of outcomes.keys()) {
        expect(["ok", "BROKER_UNAVAILABLE/unknown-outcome", "BROKER_UNAVAILABLE/retriable"]).toContain(
          outcome,
        );
      }
      expect(outcomes.get("ok") ?? 0, "the cut came after the whole stream was confirmed").toBeLessThan(
        records.length,
      );
      // Nothing after the first failure is confirmed: the rest of the batch is not written on the
      // next connection, where it would be stored ahead of the retries of what the cut lost.
      const firstFailed = results.findIndex((r) => !r.ok);
      expect(results.slice(firstFailed).filter((r) => r.ok)).toHaveLength(0);
      expect(transport.confirmWindow.outstanding).toBe(0);
      const depth = await probe.depth(topic);
      const held = new Set(
        (await probe.read(topic, { count: depth, timeoutMs: 30_000 })).map((m) => text(m.value)),
      );
      const lost = records.filter((r, i) => results[i]?.ok && !held.has(text(r.value)));
      expect(lost).toHaveLength(0);
      // The transport reconnects for the next request.
      const after = await transport.send(batch(topic, [record(topic, "after")]), sendContext());
      expect(after[0]?.ok).toBe(true);
    } finally {
      await transport.close();
      await removeLatency();
      await proxy.remove();
    }
  }, 120_000);
});
