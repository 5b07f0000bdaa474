import { createProducer, type DeliveryReport } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { status, up } from "../../../tools/brokers/index.mjs";
import { pulsarAdmin } from "./admin.js";
import { holdPulsarExclusively } from "./exclusive-broker.js";
import { testTransport, text, uniqueTopic } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

const NAMESPACE = "public/outbound-dedup";
const TOTAL = 3_000;
const KEYS = 20;
const probe = createPulsarProbe();
const admin = pulsarAdmin();

let release: () => void = () => {};

beforeAll(async () => {
  release = await holdPulsarExclusively();
}, 16 * 60_000);

afterAll(async () => {
  await probe.close();
  // Whatever happened, leave Pulsar running for the other tests.
  await up(["pulsar"], { print: () => {} });
  release();
}, 300_000);

async function killPulsar(): Promise<void> {
  const [row] = await status(["pulsar"]);
  if (!row?.pid) throw new Error(`cannot find the Pulsar process: ${JSON.stringify(row)}`);
  process.kill(row.pid, "SIGKILL");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(row.pid, 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } catch {
      return;
    }
  }
  throw new Error(`Pulsar (pid ${row.pid}) did not exit after SIGKILL`);
}

describe("restart of the Pulsar process mid-stream", () => {
  it("reconnects, re-creates producers and resends pending SENDs with the same sequence ids: 0 loss, 0 duplicates", async () => {
    await admin.createNamespace(NAMESPACE);
    await admin.enableDeduplication(NAMESPACE);
    expect(await admin.deduplicationEnabled(NAMESPACE)).toBe(true);
    const topic = `persistent://${NAMESPACE}/${uniqueTopic("restart")}`;
    await probe.createTopic(topic, { partitions: 2 });

    const producer = createProducer({
      transport: testTransport({ reconnect: { initialMs: 200, maxMs: 2_000 } }),
      lingerMs: 5,
      // The broker is gone for as long as a standalone restart takes (20-90 s here): the
      // engine must keep the messages for that long, and its per-request deadline is shorter
      // on purpose, so its retries meet SENDs the transport still holds.
      deliveryTimeoutMs: 280_000,
      requestTimeoutMs: 20_000,
      retry: { initialMs: 200, maxMs: 2_000, multiplier: 2, jitter: 0.2 },
    });
    await producer.connect();

    const sends: Promise<DeliveryReport>[] = [];
    let restarted: Promise<void> | undefined;
    let acked = 0;
    let retries = 0;
    producer.on("ack", () => {
      acked++;
    });
    producer.on("retry", () => {
      retries++;
    });
    // Crash the broker mid-stream with SENDs in flight (written, no receipt yet) that must be
    // resent after the restart with their original sequence ids. The kill is decided in the
    // same synchronous stretch that handed the last 20 messages over, so those cannot have a
    // receipt yet; a timer polling the ack count raced the receipts and sometimes found every
    // message acknowledged.
    const BURST = 20;
    const KILL_AT = TOTAL / 5;
    let crash: Promise<{ sent: number; acked: number; at: number }> | undefined;
    for (let i = 0; i < TOTAL; i++) {
      if (i === KILL_AT - BURST) {
        // Part of the stream acknowledged before the kill.
        while (acked === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      sends.push(producer.send({ topic, key: `k${i % KEYS}`, value: { i } }));
      if (i === KILL_AT) {
        const snapshot = { sent: sends.length, acked, at: Date.now() };
        crash = killPulsar().then(() => {
          restarted = up(["pulsar"], { print: () => {} });
          return snapshot;
        });
      }
      if (i % BURST === 0 && i !== KILL_AT - BURST) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const atCrash = await crash!;
    const settled = await Promise.allSettled(sends);
    await restarted;
    const reports = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    // The crash really happened mid-stream: part of the stream was acknowledged, and part of
    // what had been handed to the producer by then was not.
    expect(atCrash.acked).toBeGreaterThan(0);
    expect(atCrash.acked).toBeLessThan(atCrash.sent);
    const slowest = Math.max(...reports.map((r) => r.latencyMs));
    console.info(
      `[pulsar restart] at the kill: ${atCrash.sent} handed to the producer, ${atCrash.acked} acknowledged; ` +
        `engine retries ${retries}, ` +
        `dedup receipts ${reports.filter((r) => r.messageId === undefined).length}, ` +
        `kill to last ack ${Date.now() - atCrash.at} ms, slowest send ${Math.round(slowest)} ms`,
    );
    const failures = settled.filter((s) => s.status === "rejected");
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    await producer.close();

    // Generous: right after a restart, on a loaded machine, the reader can be slow. Reading
    // stops once TOTAL arrived, then listens a few seconds more for any extra copy.
    const read = await probe.read(topic, { count: TOTAL, timeoutMs: 120_000, settleMs: 5_000 });
    const values = read.map((m) => (JSON.parse(text(m.value)) as { i: number }).i);
    const unique = new Set(values);
    const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !unique.has(i));
    expect({ missing: missing.length, duplicates: values.length - unique.size }).toEqual({
      missing: 0,
      duplicates: 0,
    });
    // Order per key holds across the restart.
    const lastByKey = new Map<string, number>();
    for (const message of read) {
      const key = text(message.key as Uint8Array);
      const i = (JSON.parse(text(message.value)) as { i: number }).i;
      expect(i).toBeGreaterThan(lastByKey.get(key) ?? -1);
      lastByKey.set(key, i);
    }
  }, 400_000);
});
