import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { createProducer, type Producer } from "@outbound/core";
import { getMemoryBroker, type MemoryBroker, removeMemoryBroker } from "@outbound/memory";
import { createOutbox, type Relay, sqliteStore } from "@outbound/outbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countDeliveries } from "./order-check.js";
import { type SqliteFixture, sqliteFixture, takeLease, waitFor } from "./sqlite-fixture.js";

// The relay lease on a real SQLite file: only one relay claims rows, a second waits as a standby
// and takes over when the first stops, dies or lets its lease run out. Relayed to the memory
// broker with dedup off, so every repeat would be stored and counted.

let fx: SqliteFixture;
let brokerName: string;
let broker: MemoryBroker;
let producer: Producer;
const relays: Relay[] = [];

beforeEach(async () => {
  fx = await sqliteFixture();
  brokerName = `lease-${randomUUID().slice(0, 8)}`;
  broker = getMemoryBroker(brokerName);
  broker.configure({ dedupWindowMs: 0 });
  producer = createProducer({ url: `memory://${brokerName}`, deliveryTimeoutMs: 2000 });
});

afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.stop();
  await producer.close();
  await fx.cleanup();
  removeMemoryBroker(brokerName);
});

const LEASE_TABLE = "outbound_outbox_relay_lease";

/** Adds `perKey` rows for each of `keys`, in one transaction; returns them in add order. */
async function addRows(topic: string, keys: string[], perKey: number) {
  const messages: { topic: string; key: string; value: { key: string; n: number } }[] = [];
  for (let n = 0; n < perKey; n++) for (const key of keys) messages.push({ topic, key, value: { key, n } });
  const entries = await fx.transaction((db) => fx.outbox.addMany(db, messages));
  return entries.map((entry, i) => ({ key: messages[i]!.key, id: entry.id }));
}

const readBack = (topic: string) =>
  broker.messages(topic).map((m) => ({ key: m.key && Buffer.from(m.key).toString(), id: m.id }));

/** Writes the lease row as another relay would have left it. */
function leaseHeldBy(holder: { owner: string; pid: number; host: string; expiresAt: number }) {
  fx.app
    .prepare(
      `INSERT OR REPLACE INTO ${LEASE_TABLE} (id, owner, pid, host, expires_at) VALUES (1, ?, ?, ?, ?)`,
    )
    .run(holder.owner, holder.pid, holder.host, holder.expiresAt);
}

const leaseRows = () =>
  (fx.app.prepare(`SELECT owner FROM ${LEASE_TABLE}`).all() as { owner: string }[]).length;

/** The pid of a process of this host that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

describe("two relays on one SQLite file", () => {
  it("only the lease holder publishes; the standby takes over as soon as the holder stops", async () => {
    const topic = "lease-two";
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const first = await addRows(topic, keys, 20);
    // A second relay as another process would run it: its own store, its own connection.
    const secondOutbox = createOutbox({ store: sqliteStore({ path: fx.path, leaseMs: 60_000 }) });
    const holder = fx.outbox.relay({ producer, batchSize: 20, pollIntervalMs: 20 });
    const standby = secondOutbox.relay({ producer, batchSize: 20, pollIntervalMs: 20 });
    relays.push(holder, standby);
    holder.start();
    await waitFor("the first relay's first claim", () => holder.metrics().claims > 0);
    standby.start();
    await waitFor("the second relay waits as a standby", () => standby.metrics().standby);
    await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    expect(holder.metrics()).toMatchObject({ standby: false, sent: 200, acked: 200 });
    expect(standby.metrics()).toMatchObject({ standby: true, claims: 0, sent: 0 });

    // The holder stops and deletes its lease: with leaseMs at a minute, only that lets the standby
    // in within the few seconds waited here.
    await holder.stop();
    expect(leaseRows()).toBe(0);
    const second = await addRows(topic, keys, 5);
    await waitFor("the standby publishes", async () => (await fx.outbox.backlog()).pending === 0, 5000);
    const m = standby.metrics();
    expect(m).toMatchObject({ standby: false, acked: 50, failed: 0 });
    expect(m.sent).toBe(m.acked + m.failed);
    expect(countDeliveries([...first, ...second], readBack(topic))).toEqual({
      distinct: 250,
      repeats: 0,
      lost: 0,
      keysOutOfOrder: 0,
    });
    await standby.stop();
    await secondOutbox.close();
  });

  it("a lease left by a dead process of this host is taken at once; one of another host only once it runs out", async () => {
    const topic = "lease-dead";
    const rows = await addRows(topic, ["a", "b"], 3);
    leaseHeldBy({ owner: "killed", pid: deadPid(), host: hostname(), expiresAt: Date.now() + 600_000 });
    const relay = fx.outbox.relay({ producer });
    expect(await relay.runOnce()).toMatchObject({ claimed: 6, acked: 6 });

    const more = await addRows(topic, ["a", "b"], 3);
    // The same dead pid on another machine says nothing about that machine's process.
    const expiresAt = Date.now() + 400;
    leaseHeldBy({ owner: "elsewhere", pid: deadPid(), host: `not-${hostname()}`, expiresAt });
    expect(await relay.runOnce()).toMatchObject({ claimed: 0 });
    expect(relay.metrics().standby).toBe(true);
    while (Date.now() <= expiresAt)
      await new Promise((resolve) => setTimeout(resolve, expiresAt + 1 - Date.now()));
    expect(await relay.runOnce()).toMatchObject({ claimed: 6, acked: 6 });
    expect(relay.metrics().standby).toBe(false);
    expect(countDeliveries([...rows, ...more], readBack(topic))).toMatchObject({ distinct: 12, repeats: 0 });
    // A relay that is not started gives the lease back after each batch.
    expect(leaseRows()).toBe(0);
  });

  it("a live relay's lease is waited out: nothing is sent before it expires", async () => {
    const topic = "lease-live";
    const rows = await addRows(topic, ["a"], 4);
    // This process is alive, so only the expiry frees the lease.
    const expiresAt = Date.now() + 600;
    leaseHeldBy({ owner: "alive", pid: process.pid, host: hostname(), expiresAt });
    let firstAckAt: number | undefined;
    producer.on("ack", () => {
      firstAckAt ??= Date.now();
    });
    const relay = fx.outbox.relay({ producer, pollIntervalMs: 20 });
    relays.push(relay);
    relay.start();
    await waitFor("the relay waits as a standby", () => relay.metrics().standby);
    await waitFor("every row published", async () => (await fx.outbox.backlog()).pending === 0);
    expect(firstAckAt).toBeGreaterThanOrEqual(expiresAt);
    expect(countDeliveries(rows, readBack(topic))).toMatchObject({ distinct: 4, repeats: 0, lost: 0 });
  });
});

describe("the lease in the claim", () => {
  it("a claim under a lease another relay took returns nothing, and a claim without an owner is refused", async () => {
    await addRows("lease-claim", ["a"], 2);
    const store = sqliteStore({ path: fx.path });
    try {
      const owner = await takeLease(store, "relay-a");
      expect((await store.claim(10, Date.now(), undefined, owner)).rows).toHaveLength(2);
      // Relay b took over (relay a stalled past its lease): a's next claim must come back empty
      // even though a still believes it holds the lease.
      leaseHeldBy({ owner: "relay-b", pid: process.pid, host: hostname(), expiresAt: Date.now() + 60_000 });
      expect((await store.claim(10, Date.now(), undefined, owner)).rows).toHaveLength(0);
      expect(await store.lease!.acquire({ owner, pid: process.pid, host: hostname() }, Date.now())).toBe(
        false,
      );
      // Past b's expiry (as a's clock sees it), a may take it again.
      expect(
        await store.lease!.acquire({ owner, pid: process.pid, host: hostname() }, Date.now() + 60_001),
      ).toBe(true);
      await expect(store.claim(10, Date.now())).rejects.toMatchObject({ code: "INVALID_CONFIG" });
      // Releasing someone else's lease leaves it alone.
      await store.lease!.release("relay-b");
      expect(leaseRows()).toBe(1);
      await store.lease!.release(owner);
      expect(leaseRows()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("refuses a leaseMs that is not a positive number", () => {
    for (const leaseMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sqliteStore({ path: fx.path, leaseMs })).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG" }),
      );
    }
  });

  it("a standby reads the lease without taking the write lock the application holds", async () => {
    leaseHeldBy({ owner: "alive", pid: process.pid, host: hostname(), expiresAt: Date.now() + 60_000 });
    const store = sqliteStore({ path: fx.path, busyTimeoutMs: 100 });
    await store.setup();
    fx.app.exec("BEGIN IMMEDIATE");
    try {
      // With the lock held elsewhere, an attempt that wrote would wait and fail with SQLITE_BUSY.
      expect(
        await store.lease!.acquire({ owner: "standby", pid: process.pid, host: hostname() }, Date.now()),
      ).toBe(false);
    } finally {
      fx.app.exec("COMMIT");
      await store.close();
    }
  });
});
