import { randomUUID } from "node:crypto";
import { createProducer, OutboundError, type Producer } from "@outbound/core";
import { getMemoryBroker, type MemoryBroker, removeMemoryBroker } from "@outbound/memory";
import { sqliteStore } from "@outbound/outbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countDeliveries } from "./order-check.js";
import { type SqliteFixture, sqliteFixture, takeLease, waitFor } from "./sqlite-fixture.js";

// What the relay does to go fast, and that it keeps the outbox's promises while it does:
// addMany(), claiming the next batch while the current one is sent, waking on a commit. A real
// SQLite file throughout; the broker is the in-process memory broker, or a producer whose sends
// the test releases one by one to hold a row in flight.

let fx: SqliteFixture;
let brokerName: string;
let broker: MemoryBroker;
let producer: Producer;

beforeEach(async () => {
  fx = await sqliteFixture();
  brokerName = `outbox-${randomUUID().slice(0, 8)}`;
  broker = getMemoryBroker(brokerName);
  broker.configure({ dedupWindowMs: 0 });
  producer = createProducer({ url: `memory://${brokerName}`, deliveryTimeoutMs: 300 });
});

afterEach(async () => {
  await producer.close();
  await fx.cleanup();
  removeMemoryBroker(brokerName);
});

const keyOf = (row: { key?: Uint8Array }) => (row.key ? Buffer.from(row.key).toString() : undefined);

/**
 * A producer whose sends wait until the test lets them through: `hold(id)` keeps that message in
 * flight until `release(id)`; `failOnce(id)` makes its first send fail retriably. `sent` lists
 * the ids the "broker" acknowledged, in that order.
 */
function gatedProducer() {
  const held = new Map<string, { gate: Promise<void>; open: () => void }>();
  const failing = new Set<string>();
  const sent: string[] = [];
  const started: string[] = [];
  return {
    sent,
    started,
    hold(id: string) {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      held.set(id, { gate, open });
    },
    release(id: string) {
      held.get(id)?.open();
    },
    failOnce(id: string) {
      failing.add(id);
    },
    producer: {
      async sendSerialized(message: { id?: string }) {
        const id = message.id!;
        started.push(id);
        await held.get(id)?.gate;
        if (failing.delete(id)) {
          throw new OutboundError("BROKER_UNAVAILABLE", "the test's broker is down for this one", {
            transport: "test",
          });
        }
        sent.push(id);
        return { partition: 0 } as never;
      },
    },
  };
}

describe("addMany()", () => {
  it("writes every row in the application's transaction, in order, and rolls back with it", async () => {
    const topic = "outbox-many";
    const entries = await fx.transaction(async (db) => {
      db.prepare("INSERT INTO orders VALUES (?, ?)").run("o-1", 1);
      return fx.outbox.addMany(db, [
        { topic, key: "a", value: { n: 0 } },
        { topic, key: "b", value: { n: 1 } },
        { topic, key: "a", value: { n: 2 }, id: "mine" },
      ]);
    });
    expect(entries).toHaveLength(3);
    expect(entries[2]!.id).toBe("mine");
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((x, y) => x - y));
    expect(new Set(entries.map((e) => e.id)).size).toBe(3);

    await expect(
      fx.transaction(async (db) => {
        await fx.outbox.addMany(db, [
          { topic, key: "a", value: { n: 3 } },
          { topic, key: "c", value: { n: 4 } },
        ]);
        throw new Error("the application changed its mind");
      }),
    ).rejects.toThrow("changed its mind");
    // One bad message refuses the whole call before anything is written.
    await expect(
      fx.transaction((db) =>
        fx.outbox.addMany(db, [
          { topic, key: "d", value: { n: 5 } },
          { topic: "", value: { n: 6 } },
        ]),
      ),
    ).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
    expect(await fx.transaction((db) => fx.outbox.addMany(db, []))).toEqual([]);
    expect((await fx.outbox.backlog()).pending).toBe(3);

    const relay = fx.outbox.relay({ producer });
    expect(await relay.runOnce()).toMatchObject({ claimed: 3, acked: 3 });
    const received = broker.messages(topic);
    expect(received.map((m) => m.id)).toEqual(entries.map((e) => e.id));
    expect(received.map((m) => JSON.parse(Buffer.from(m.value).toString()).n)).toEqual([0, 1, 2]);
  });
});

describe("claiming beside a batch in flight", () => {
  it("a claim leaves out the held rows and every later row of their keys", async () => {
    const topic = "outbox-held";
    await fx.transaction((db) =>
      fx.outbox.addMany(
        db,
        ["a", "b", "a", "c", "b", "c"].map((key, n) => ({ topic, key, value: { n } })),
      ),
    );
    const store = sqliteStore({ path: fx.path });
    try {
      const owner = await takeLease(store);
      const first = await store.claim(2, Date.now(), undefined, owner);
      expect(first.rows.map(keyOf)).toEqual(["a", "b"]);
      const held = new Set(first.rows.map((r) => r.seq));
      const second = await store.claim(10, Date.now(), held, owner);
      // Only key c: a and b have a row held, so their later rows wait for it.
      expect(second.rows.map(keyOf)).toEqual(["c", "c"]);
      await first.settle(first.rows.map((r) => ({ seq: r.seq, kind: "acked" as const })));
      const third = await store.claim(10, Date.now(), new Set(second.rows.map((r) => r.seq)), owner);
      expect(third.rows.map(keyOf)).toEqual(["a", "b"]);
    } finally {
      await store.close();
    }
  });

  it("while a key's row is in flight its later row is not sent; the next batch is claimed meanwhile", async () => {
    const topic = "outbox-prefetch";
    const entries = await fx.transaction((db) =>
      fx.outbox.addMany(
        db,
        ["a", "b", "a", "b", "c", "c", "d"].map((key, n) => ({ topic, key, value: { n } })),
      ),
    );
    const [a0, b0, a1, b1, c0, c1, d0] = entries.map((e) => e.id);
    const gated = gatedProducer();
    gated.hold(a0!);
    const relay = fx.outbox.relay({ producer: gated.producer, batchSize: 2, prefetch: true }).start();
    try {
      // The first batch is a0, b0; with a0 held, the relay claims the next one (c0, c1: a1 and b1
      // wait behind their keys' rows in flight) but sends nothing of it yet.
      await waitFor("the next batch claimed", () => relay.metrics().claims >= 2);
      await waitFor("b0 acknowledged", () => gated.sent.includes(b0!));
      expect(gated.started).toEqual([a0, b0]);
      gated.release(a0!);
      await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    } finally {
      await relay.stop();
    }
    expect(gated.sent).toHaveLength(7);
    expect(new Set(gated.sent).size).toBe(7);
    const order = (id: string | undefined) => gated.sent.indexOf(id!);
    expect(order(a0)).toBeLessThan(order(a1));
    expect(order(b0)).toBeLessThan(order(b1));
    expect(order(c0)).toBeLessThan(order(c1));
    // c0 and c1 were claimed during a0's send and went out once its batch was settled.
    expect(order(c0)).toBeGreaterThan(order(a0));
    expect(gated.sent).toContain(d0);
  });

  it("a row that fails while the next batch is claimed still goes before its key's later rows", async () => {
    const topic = "outbox-prefetch-retry";
    const entries = await fx.transaction((db) =>
      fx.outbox.addMany(
        db,
        ["a", "b", "a", "c", "a", "c"].map((key, n) => ({ topic, key, value: { n } })),
      ),
    );
    const ids = entries.map((e) => e.id);
    const gated = gatedProducer();
    gated.hold(ids[0]!);
    gated.failOnce(ids[0]!);
    const relay = fx.outbox
      .relay({
        producer: gated.producer,
        batchSize: 2,
        prefetch: true,
        retryBackoffMs: { initial: 20, max: 40 },
        pollIntervalMs: 10,
      })
      .start();
    try {
      await waitFor("the next batch claimed", () => relay.metrics().claims >= 2);
      gated.release(ids[0]!);
      await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    } finally {
      await relay.stop();
    }
    const m = relay.metrics();
    expect(m.retried).toBe(1);
    expect(m.acked).toBe(6);
    const aRows = entries.filter((_, i) => [0, 2, 4].includes(i)).map((e) => e.id);
    expect(gated.sent.filter((id) => aRows.includes(id))).toEqual(aRows);
    expect(new Set(gated.sent).size).toBe(6);
    expect(gated.sent).toHaveLength(6);
  });

  it("many keys through small batches: every row once, each key in order", async () => {
    const topic = "outbox-prefetch-many";
    const keys = Array.from({ length: 12 }, (_, k) => `k${k}`);
    const rows: { key: string | undefined; id: string }[] = [];
    for (let t = 0; t < 20; t++) {
      const messages = Array.from({ length: 30 }, (_, j) => {
        const key = (t * 30 + j) % 5 === 0 ? undefined : keys[(t * 7 + j) % keys.length];
        return key ? { topic, key, value: { t, j } } : { topic, value: { t, j } };
      });
      const added = await fx.transaction((db) => fx.outbox.addMany(db, messages));
      for (const [j, entry] of added.entries()) rows.push({ key: messages[j]!.key, id: entry.id });
    }
    const relay = fx.outbox.relay({ producer, batchSize: 16, prefetch: true }).start();
    try {
      await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    } finally {
      await relay.stop();
    }
    const received = broker.messages(topic).map((m) => ({ key: keyOf(m), id: m.id }));
    expect(countDeliveries(rows, received)).toEqual({
      distinct: 600,
      repeats: 0,
      lost: 0,
      keysOutOfOrder: 0,
    });
    const m = relay.metrics();
    expect(m).toMatchObject({ acked: 600, failed: 0 });
  });
});

describe("waking", () => {
  it("a commit on another connection wakes the SQLite relay long before its poll interval", async () => {
    const topic = "outbox-wake";
    const relay = fx.outbox.relay({ producer, pollIntervalMs: 60_000 }).start();
    try {
      // After its first, empty claim the relay waits 60 s, unless it sees the commit.
      await waitFor("the relay's first, empty claim", () => relay.metrics().claims >= 1);
      const added = Date.now();
      await fx.transaction((db) => fx.outbox.add(db, { topic, key: "a", value: { n: 0 } }));
      await waitFor("the row published", () => relay.metrics().acked === 1, 10_000);
      expect(Date.now() - added).toBeLessThan(10_000);
    } finally {
      await relay.stop();
    }
  });
});
