import { randomUUID } from "node:crypto";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { createProducer, OutboundError, type Producer } from "@outbound/core";
import { getMemoryBroker, type MemoryBroker, removeMemoryBroker } from "@outbound/memory";
import { OUTBOX_METRICS, sqliteStore } from "@outbound/outbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countDeliveries } from "./order-check.js";
import { type SqliteFixture, sqliteFixture, takeLease, waitFor } from "./sqlite-fixture.js";

// The outbox on a real SQLite file (node:sqlite), relayed to the in-process memory broker.

let fx: SqliteFixture;
let brokerName: string;
let broker: MemoryBroker;
let producer: Producer;

beforeEach(async () => {
  fx = await sqliteFixture();
  brokerName = `outbox-${randomUUID().slice(0, 8)}`;
  broker = getMemoryBroker(brokerName);
  // Dedup off, so every repeat the relay makes is stored and counted.
  broker.configure({ dedupWindowMs: 0 });
  producer = createProducer({ url: `memory://${brokerName}`, deliveryTimeoutMs: 300 });
});

afterEach(async () => {
  await producer.close();
  await fx.cleanup();
  removeMemoryBroker(brokerName);
});

const readBack = (topic: string) =>
  broker.messages(topic).map((m) => ({ key: m.key && Buffer.from(m.key).toString(), id: m.id }));

describe("add() inside the application's transaction", () => {
  it("publishes what committed, with its id, bytes, key, headers and content type; nothing of a rollback", async () => {
    const committed = await fx.transaction(async (db) => {
      db.prepare("INSERT INTO orders VALUES (?, ?)").run("o-1", 4200);
      return fx.outbox.add(db, {
        topic: "outbox-orders",
        key: "o-1",
        value: { type: "order.created", totalCents: 4200 },
        headers: { "event-type": "order.created", bin: new Uint8Array([0, 255]) },
      });
    });
    await expect(
      fx.transaction(async (db) => {
        db.prepare("INSERT INTO orders VALUES (?, ?)").run("o-2", 100);
        await fx.outbox.add(db, { topic: "outbox-orders", key: "o-2", value: { type: "order.created" } });
        throw new Error("the application changed its mind");
      }),
    ).rejects.toThrow("changed its mind");

    const relay = fx.outbox.relay({ producer });
    const result = await relay.runOnce();
    expect(result).toMatchObject({ claimed: 1, acked: 1, untouched: 0 });

    const stored = broker.messages("outbox-orders");
    expect(stored).toHaveLength(1);
    const [m] = stored;
    expect(m!.id).toBe(committed.id);
    expect(Buffer.from(m!.key!).toString()).toBe("o-1");
    expect(JSON.parse(Buffer.from(m!.value).toString())).toEqual({ type: "order.created", totalCents: 4200 });
    expect(m!.contentType).toBe("application/json");
    expect(m!.headers["event-type"]).toBe("order.created");
    expect(m!.headers.bin).toEqual(new Uint8Array([0, 255]));
    expect(await fx.outbox.backlog()).toMatchObject({ pending: 0 });
    const metrics = relay.metrics();
    expect(metrics).toMatchObject({ sent: 1, acked: 1, failed: 0 });
  });

  it("refuses concurrency above 1 on SQLite, which has no row locks to share batches with", () => {
    expect(() => fx.outbox.relay({ producer, concurrency: 2 })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });

  it("refuses a bad message with INVALID_MESSAGE and writes nothing", async () => {
    const bad = [
      { topic: "", value: 1 },
      { topic: "outbox-x", value: 1, key: 42 },
      { topic: "outbox-x", value: 1, headers: new Map([["a", "b"]]) },
      { topic: "outbox-x", value: 1, headers: { a: 1 } },
      { topic: "outbox-x", value: 1, id: "" },
      { topic: "outbox-x", value: 1, partition: -1 },
      { topic: "outbox-x\ud800", value: 1 },
      { topic: "outbox-x" },
    ];
    for (const message of bad) {
      const error = await fx
        .transaction((db) => fx.outbox.add(db, message as never))
        .catch((e: unknown) => e as OutboundError);
      expect(error, JSON.stringify(message)).toBeInstanceOf(OutboundError);
      expect((error as OutboundError).code).toBe("INVALID_MESSAGE");
    }
    const unserializable = { topic: "outbox-x", value: { n: 1n } };
    await expect(fx.transaction((db) => fx.outbox.add(db, unserializable))).rejects.toMatchObject({
      code: "SERIALIZATION_FAILED",
    });
    expect(await fx.outbox.backlog()).toEqual({ pending: 0, parked: 0, oldestCreatedAt: undefined });
    // The same transaction goes on after a refused add().
    await fx.transaction(async (db) => {
      await expect(fx.outbox.add(db, { topic: "", value: 1 })).rejects.toMatchObject({
        code: "INVALID_MESSAGE",
      });
      await fx.outbox.add(db, { topic: "outbox-x", value: 1 });
    });
    expect((await fx.outbox.backlog()).pending).toBe(1);
  });
});

/** Adds `perKey` rows for each key, interleaved, one transaction each; returns them in add order. */
async function addRows(topic: string, keys: string[], perKey: number) {
  const rows: { key: string; id: string; n: number }[] = [];
  for (let n = 0; n < perKey; n++) {
    for (const key of keys) {
      const entry = await fx.transaction((db) => fx.outbox.add(db, { topic, key, value: { key, n } }));
      rows.push({ key, id: entry.id, n });
    }
  }
  return rows;
}

describe("failures", () => {
  it("dead-letters a terminal failure and publishes the rows behind it, same key included", async () => {
    const topic = "outbox-terminal";
    const rows = await addRows(topic, ["a", "b"], 3);
    const poisoned = rows.find((r) => r.key === "a" && r.n === 1)!;
    broker.faults.rejectWhen((record) => record.id === poisoned.id, { code: "REJECTED" });

    const relay = fx.outbox.relay({ producer, batchSize: 4 });
    await relay.runOnce();
    await relay.runOnce();
    const received = readBack(topic);
    const counts = countDeliveries(
      rows.filter((r) => r !== poisoned),
      received,
    );
    expect(counts).toEqual({ distinct: 5, repeats: 0, lost: 0, keysOutOfOrder: 0 });
    expect(received.map((m) => m.id)).not.toContain(poisoned.id);
    const dead = await fx.outbox.deadLetters();
    expect(dead.map((d) => [d.id, d.errorCode, d.attempts])).toEqual([[poisoned.id, "REJECTED", 1]]);
    expect(JSON.parse(Buffer.from(dead[0]!.value).toString())).toEqual({ key: "a", n: 1 });
    const m = relay.metrics();
    expect(m).toMatchObject({ sent: 6, acked: 5, failed: 1, deadLettered: 1, retried: 0 });
    expect(m.sent).toBe(m.acked + m.failed);
    expect(await fx.outbox.backlog()).toMatchObject({ pending: 0 });
  });

  it("with strictOrder parks the failed row and holds its key's later rows; other keys go on", async () => {
    const topic = "outbox-strict";
    const rows = await addRows(topic, ["a", "b"], 3);
    const poisoned = rows.find((r) => r.key === "a" && r.n === 1)!;
    const stop = broker.faults.rejectWhen((record) => record.id === poisoned.id, { code: "REJECTED" });

    const relay = fx.outbox.relay({ producer, strictOrder: true });
    await relay.runOnce();
    await relay.runOnce();
    const received = readBack(topic);
    expect(received.filter((m) => m.key === "a").map((m) => m.id)).toEqual([rows[0]!.id]);
    expect(received.filter((m) => m.key === "b")).toHaveLength(3);
    expect(await fx.outbox.backlog()).toMatchObject({ pending: 2, parked: 1 });
    expect(await fx.outbox.deadLetters()).toEqual([]);
    expect(relay.metrics()).toMatchObject({ sent: 5, acked: 4, failed: 1, parked: 1 });

    // Once the cause is fixed, retry releases the key: the parked row goes first, then the rest.
    const [parked] = await fx.outbox.parked();
    expect(parked).toMatchObject({ id: poisoned.id, attempts: 1 });
    expect(parked!.error).toMatch(/^REJECTED: /);
    stop();
    expect(await fx.outbox.unpark(parked!.seq, "retry")).toBe(true);
    expect(await fx.outbox.unpark(parked!.seq, "retry")).toBe(false);
    await relay.runOnce();
    expect(
      readBack(topic)
        .filter((m) => m.key === "a")
        .map((m) => m.id),
    ).toEqual(rows.filter((r) => r.key === "a").map((r) => r.id));
    expect(await fx.outbox.backlog()).toMatchObject({ pending: 0, parked: 0 });
  });

  it("retries a retriable failure later, and no later row of its key overtakes it", async () => {
    const topic = "outbox-retry";
    const rows = await addRows(topic, ["a", "b", "c"], 4);
    const flaky = rows.find((r) => r.key === "b" && r.n === 1)!;
    let failures = 0;
    const stop = broker.faults.rejectWhen((record) => record.id === flaky.id && failures++ < 3, {
      code: "BROKER_UNAVAILABLE",
    });

    const relay = fx.outbox.relay({ producer, retryBackoffMs: { initial: 20, max: 50 }, pollIntervalMs: 10 });
    relay.start();
    await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    await relay.stop();
    stop();

    const counts = countDeliveries(rows, readBack(topic));
    expect(counts).toEqual({ distinct: 12, repeats: 0, lost: 0, keysOutOfOrder: 0 });
    // Strictly in order for the flaky key: its later rows waited for it.
    expect(
      readBack(topic)
        .filter((m) => m.key === "b")
        .map((m) => m.id),
    ).toEqual(rows.filter((r) => r.key === "b").map((r) => r.id));
    const m = relay.metrics();
    expect(m.retried).toBeGreaterThanOrEqual(1);
    expect(m.acked).toBe(12);
    expect(m.sent).toBe(m.acked + m.failed);
    expect(m.deadLettered).toBe(0);
  });
});

describe("locks", () => {
  it("waits for the application's write lock without blocking the event loop", async () => {
    await addRows("outbox-lock", ["a", "b"], 1);
    const relay = fx.outbox.relay({ producer });
    // An application transaction in this same process holds the write lock across awaits.
    fx.app.exec("BEGIN IMMEDIATE");
    fx.app.prepare("INSERT INTO orders VALUES (?, ?)").run("held", 1);
    let settled = false;
    const run = relay.runOnce().then((result) => {
      settled = true;
      return result;
    });
    // Taking the relay lease is a write, so the relay waits for the lock, and nothing is claimed
    // or sent meanwhile; the loop still turns while it waits: timers fire.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    expect(broker.messages("outbox-lock")).toHaveLength(0);
    fx.app.exec("COMMIT");
    expect(await run).toMatchObject({ claimed: 2, acked: 2 });
    expect((await fx.outbox.backlog()).pending).toBe(0);
  });

  it("a settle waits for the application's write lock without blocking the event loop", async () => {
    await addRows("outbox-lock-settle", ["a", "b"], 1);
    const store = sqliteStore({ path: fx.path });
    try {
      const batch = await store.claim(10, Date.now(), undefined, await takeLease(store));
      expect(batch.rows).toHaveLength(2);
      fx.app.exec("BEGIN IMMEDIATE");
      fx.app.prepare("INSERT INTO orders VALUES (?, ?)").run("held", 1);
      let settled = false;
      const settling = batch
        .settle(batch.rows.map((row) => ({ seq: row.seq, kind: "acked" as const })))
        .then(() => {
          settled = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      fx.app.exec("COMMIT");
      await settling;
      expect((await fx.outbox.backlog()).pending).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe("locks, in one turn", () => {
  it("the relay's settle has released the lock by the time its call returns", async () => {
    await addRows("outbox-turn", ["a"], 2);
    const store = sqliteStore({ path: fx.path });
    try {
      const batch = await store.claim(10, Date.now(), undefined, await takeLease(store));
      expect(batch.rows).toHaveLength(2);
      // Right after settle() is called, in the same turn, the application takes the write lock. A
      // settle that awaited anything between BEGIN and COMMIT would still hold it here, and this
      // synchronous wait would freeze the very loop that has to finish it.
      fx.app.exec("PRAGMA busy_timeout = 100");
      const settling = batch.settle(batch.rows.map((row) => ({ seq: row.seq, kind: "acked" as const })));
      fx.app.exec("BEGIN IMMEDIATE");
      fx.app.exec("COMMIT");
      await settling;
      expect((await fx.outbox.backlog()).pending).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe("restarts", () => {
  it("keeps per-key order across relays stopped and started between batches", async () => {
    const topic = "outbox-restart";
    const keys = ["k0", "k1", "k2", "k3", "k4"];
    const rows = await addRows(topic, keys, 20);
    let relays = 0;
    while ((await fx.outbox.backlog()).pending > 0) {
      const relay = fx.outbox.relay({ producer, batchSize: 7 });
      relays++;
      await relay.runOnce();
      await relay.runOnce();
    }
    expect(relays).toBe(Math.ceil(100 / 14));
    expect(countDeliveries(rows, readBack(topic))).toEqual({
      distinct: 100,
      repeats: 0,
      lost: 0,
      keysOutOfOrder: 0,
    });
  });
});

describe("metrics", () => {
  it("reports rows pending and the oldest row's age until they are published", async () => {
    const before = Date.now();
    await addRows("outbox-lag", ["a"], 3);
    const relay = fx.outbox.relay({ producer });
    const backlog = await relay.backlog();
    expect(backlog.pending).toBe(3);
    expect(backlog.oldestCreatedAt).toBeGreaterThanOrEqual(before);
    expect(backlog.oldestAgeMs).toBeLessThanOrEqual(Date.now() - before);
    expect(relay.metrics()).toMatchObject({ pending: 3 });
    await relay.runOnce();
    const after = await relay.backlog();
    expect(after).toMatchObject({ pending: 0, oldestAgeMs: 0 });
  });

  it("a broken meter provider costs the relay its metrics, never its work", async () => {
    await addRows("outbox-otel-broken", ["a"], 2);
    const errors: unknown[] = [];
    const meterProvider = {
      getMeter() {
        throw new Error("exporter misconfigured");
      },
    };
    const relay = fx.outbox.relay({ producer, telemetry: { meterProvider }, onError: (e) => errors.push(e) });
    expect(await relay.runOnce()).toMatchObject({ acked: 2 });
    await waitFor("the telemetry error reported", () => errors.length === 1);
    expect(String(errors[0])).toContain("exporter misconfigured");
  });

  it("exports the backlog and outcomes on OpenTelemetry through the given meter provider", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    await addRows("outbox-otel", ["a", "b"], 2);
    const relay = fx.outbox.relay({ producer, telemetry: { meterProvider } });
    await relay.backlog();
    const values = async () => {
      await reader.forceFlush();
      const found = new Map<string, number>();
      for (const rm of exporter.getMetrics()) {
        for (const scope of rm.scopeMetrics) {
          for (const metric of scope.metrics) {
            const point = metric.dataPoints.at(-1);
            if (point) found.set(metric.descriptor.name, point.value as number);
          }
        }
      }
      exporter.reset();
      return found;
    };
    await waitFor("the gauges registered", async () => (await values()).has(OUTBOX_METRICS.pending));
    await relay.runOnce();
    await relay.backlog();
    const after = await values();
    expect(after.get(OUTBOX_METRICS.pending)).toBe(0);
    expect(after.get(OUTBOX_METRICS.published)).toBe(4);
    expect(after.get(OUTBOX_METRICS.oldestAge)).toBe(0);
    await meterProvider.shutdown();
  });
});
