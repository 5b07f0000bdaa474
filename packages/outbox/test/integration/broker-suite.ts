import { randomUUID } from "node:crypto";
import { createProducer, type Producer } from "@outbound/core";
import type { Relay } from "@outbound/outbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countDeliveries } from "../order-check.js";
import { waitFor } from "../sqlite-fixture.js";
import { buildForChildRelay, runChildRelay } from "./child-relay.js";
import { postgresSubject, type StoreSubject, sqliteSubject } from "./store-subjects.js";

/** What the suite needs from a broker: how to reach it, and a reader that is not Outbound. */
export interface OutboxBroker {
  name: string;
  url: string;
  /** Extra producer options, e.g. a transport's message size limit. */
  producerOptions?: Record<string, unknown>;
  /** A value at least this large fails terminally with MESSAGE_TOO_LARGE. */
  tooLargeBytes: number;
  createTopic(topic: string): Promise<void>;
  /** Everything the broker has held for `topic` (each read includes earlier reads'), read with its own client. */
  readAll(topic: string, atLeast: number): Promise<{ key: string | undefined; id: string | undefined }[]>;
  close?(): Promise<void>;
}

const stores = [
  { name: "sqlite", open: sqliteSubject },
  { name: "postgres", open: postgresSubject },
] as const;

/**
 * The outbox guarantees on a real database against a real broker, for each store. Every test
 * states its counts: committed rows, read back (distinct, repeats), lost, keys out of order, and
 * the relay's sent = acked + failed.
 */
export function outboxBrokerSuite(broker: OutboxBroker): void {
  beforeAll(() => buildForChildRelay(), 180_000);
  afterAll(async () => broker.close?.());

  describe.each(stores)("$name store → " + broker.name, ({ name, open }) => {
    let store: StoreSubject;
    let producer: Producer;
    const relays: Relay[] = [];

    beforeEach(async () => {
      store = await open();
      producer = createProducer({ url: broker.url, acks: "all", ...broker.producerOptions });
    });

    afterEach(async () => {
      for (const relay of relays.splice(0)) await relay.stop();
      await producer.close();
      await store.cleanup();
    });

    const newTopic = async () => {
      const topic = `outbox-${name}-${randomUUID().slice(0, 8)}`;
      await broker.createTopic(topic);
      return topic;
    };

    async function addRows(topic: string, keys: number, perKey: number, perTransaction = 10) {
      const rows: { key: string; id: string }[] = [];
      const plan: string[] = [];
      for (let n = 0; n < perKey; n++) for (let k = 0; k < keys; k++) plan.push(`key-${k}`);
      for (let i = 0; i < plan.length; i += perTransaction) {
        const chunk = plan.slice(i, i + perTransaction);
        const added = await store.transaction(async (tx) => {
          const out = [];
          for (const key of chunk) out.push(await store.outbox.add(tx, { topic, key, value: { key, i } }));
          return out;
        });
        for (const [j, entry] of added.entries()) rows.push({ key: chunk[j]!, id: entry.id });
      }
      return rows;
    }

    const pending = async () => (await store.outbox.backlog()).pending;

    it("at-least-once with ids: every committed row arrives once, in key order, across a relay restart; a rollback never", async () => {
      const topic = await newTopic();
      const rows = await addRows(topic, 8, 25);
      const rolledBack = await store
        .transaction(async (tx) => {
          await store.outbox.add(tx, { topic, key: "key-0", value: "never" });
          throw new Error("rolled back");
        })
        .catch(() => undefined);
      expect(rolledBack).toBeUndefined();

      const first = store.outbox.relay({ producer, batchSize: 30, pollIntervalMs: 20 }).start();
      relays.push(first);
      await waitFor("some rows published", async () => (await pending()) <= 120);
      await first.stop();
      const second = store.outbox.relay({ producer, batchSize: 30, pollIntervalMs: 20 }).start();
      relays.push(second);
      await waitFor("every row published", async () => (await pending()) === 0, 60_000);

      const received = await broker.readAll(topic, rows.length);
      const counts = countDeliveries(rows, received);
      // 200 committed; a clean stop settles its batch, so no repeats.
      expect(counts).toEqual({ distinct: 200, repeats: 0, lost: 0, keysOutOfOrder: 0 });
      expect(received).toHaveLength(200);
      const [a, b] = [first.metrics(), second.metrics()];
      expect(a.acked + b.acked).toBe(200);
      expect(a.sent).toBe(a.acked + a.failed);
      expect(b.sent).toBe(b.acked + b.failed);
      expect(a.failed + b.failed).toBe(0);
    });

    it("addMany() writes its rows in the application's transaction, keys in the given order; a rollback writes none", async () => {
      const topic = await newTopic();
      const messages = Array.from({ length: 300 }, (_, n) => ({
        topic,
        key: `key-${n % 7}`,
        value: { n },
        headers: { n: String(n) },
      }));
      const entries = await store.transaction((tx) => store.outbox.addMany(tx, messages));
      expect(entries).toHaveLength(300);
      // The seqs follow the messages' order, so each key's rows are published in it.
      expect(entries.every((e, i) => i === 0 || e.seq > entries[i - 1]!.seq)).toBe(true);
      const rolledBack = await store
        .transaction(async (tx) => {
          await store.outbox.addMany(tx, [
            { topic, key: "key-0", value: "never" },
            { topic, value: "never either" },
          ]);
          throw new Error("rolled back");
        })
        .catch(() => "rolled back");
      expect(rolledBack).toBe("rolled back");
      expect(await pending()).toBe(300);

      // Claiming each next batch while one is sent: still every row once, each key in order.
      const relay = store.outbox.relay({ producer, batchSize: 64, prefetch: true }).start();
      relays.push(relay);
      await waitFor("every row published", async () => (await pending()) === 0, 60_000);
      const rows = entries.map((e, n) => ({ key: messages[n]!.key, id: e.id }));
      const received = await broker.readAll(topic, rows.length);
      expect(countDeliveries(rows, received)).toEqual({
        distinct: 300,
        repeats: 0,
        lost: 0,
        keysOutOfOrder: 0,
      });
      expect(received).toHaveLength(300);
    });

    it("a terminal failure is dead-lettered and the rows behind it, same key included, go on", async () => {
      const topic = await newTopic();
      const before = await addRows(topic, 2, 3);
      const huge = await store.transaction((tx) =>
        store.outbox.add(tx, { topic, key: "key-0", value: "x".repeat(broker.tooLargeBytes) }),
      );
      const after = await addRows(topic, 2, 3);
      const relay = store.outbox.relay({ producer, pollIntervalMs: 20 }).start();
      relays.push(relay);
      await waitFor("every row settled", async () => (await pending()) === 0);

      const received = await broker.readAll(topic, 12);
      expect(countDeliveries([...before, ...after], received)).toEqual({
        distinct: 12,
        repeats: 0,
        lost: 0,
        keysOutOfOrder: 0,
      });
      const dead = await store.outbox.deadLetters();
      expect(dead.map((d) => [d.id, d.errorCode])).toEqual([[huge.id, "MESSAGE_TOO_LARGE"]]);
      expect(relay.metrics()).toMatchObject({ sent: 13, acked: 12, failed: 1, deadLettered: 1 });
    });

    it("with strictOrder a terminal failure parks its row and holds that key; other keys go on", async () => {
      const topic = await newTopic();
      const before = await addRows(topic, 2, 2);
      await store.transaction((tx) =>
        store.outbox.add(tx, { topic, key: "key-0", value: "x".repeat(broker.tooLargeBytes) }),
      );
      const after = await addRows(topic, 2, 2);
      const relay = store.outbox.relay({ producer, strictOrder: true, pollIntervalMs: 20 }).start();
      relays.push(relay);
      // Published: all of key-1, and key-0's rows before the failed one; held: the parked row and the 2 behind it.
      await waitFor("the other key published", async () => relay.metrics().acked === 6);
      await relay.stop();
      const received = await broker.readAll(topic, 6);
      const expected = [...before, ...after.filter((r) => r.key === "key-1")];
      expect(countDeliveries(expected, received)).toEqual({
        distinct: 6,
        repeats: 0,
        lost: 0,
        keysOutOfOrder: 0,
      });
      expect(await store.outbox.backlog()).toMatchObject({ pending: 3, parked: 1 });
      expect(await store.outbox.deadLetters()).toEqual([]);
      expect(relay.metrics()).toMatchObject({ sent: 7, acked: 6, failed: 1, parked: 1 });

      // Giving up on the parked row moves it to the dead letters and lets its key go on.
      const [parked] = await store.outbox.parked();
      expect(await store.outbox.unpark(parked!.seq, "dead-letter")).toBe(true);
      const after2 = store.outbox.relay({ producer, strictOrder: true, pollIntervalMs: 20 }).start();
      relays.push(after2);
      await waitFor("the held rows published", async () => (await pending()) === 0);
      const all = await broker.readAll(topic, 8);
      expect(countDeliveries([...before, ...after], all)).toEqual({
        distinct: 8,
        repeats: 0,
        lost: 0,
        keysOutOfOrder: 0,
      });
      const dead = await store.outbox.deadLetters();
      expect(dead.map((d) => [d.seq, d.errorCode, d.attempts])).toEqual([
        [parked!.seq, "MESSAGE_TOO_LARGE", 1],
      ]);
      expect(dead[0]!.error).toContain("exceeds");
    });

    it("a relay killed with SIGKILL mid-batch loses nothing; its repeats are at most one batch", async () => {
      const topic = await newTopic();
      const rows = await addRows(topic, 10, 40, 50);
      const batchSize = 50;
      // The child kills itself at the 130th acknowledgment: two batches settled, the third half
      // sent, and the fourth claimed ahead (prefetch), which must not add repeats.
      const crashed = await runChildRelay({
        ...store.childEnv,
        OUTBOX_BROKER_URL: broker.url,
        OUTBOX_BATCH_SIZE: String(batchSize),
        OUTBOX_PREFETCH: "true",
        OUTBOX_KILL_AFTER_ACKS: "130",
      });
      expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
      const left = await pending();
      expect(left).toBeGreaterThan(400 - 130);
      expect(left).toBeLessThanOrEqual(400 - 100);

      const finished = await runChildRelay({
        ...store.childEnv,
        OUTBOX_BROKER_URL: broker.url,
        OUTBOX_BATCH_SIZE: String(batchSize),
      });
      expect(finished.code, finished.stderr).toBe(0);
      expect(await pending()).toBe(0);

      const received = await broker.readAll(topic, rows.length);
      const counts = countDeliveries(rows, received);
      console.log(
        `[outbox] ${name} → ${broker.name} SIGKILL at ack 130, batch ${batchSize}: ${JSON.stringify(counts)}`,
      );
      expect(counts.lost).toBe(0);
      expect(counts.distinct).toBe(400);
      expect(counts.keysOutOfOrder).toBe(0);
      // The 30 acknowledged rows of the unsettled batch were sent again; no more than one batch.
      expect(counts.repeats).toBeGreaterThanOrEqual(30);
      expect(counts.repeats).toBeLessThanOrEqual(batchSize);
      expect(received.length).toBe(400 + counts.repeats);
      const metrics = JSON.parse(finished.stdout.trim().split("\n").at(-1)!);
      expect(metrics.sent).toBe(metrics.acked + metrics.failed);
      expect(metrics.acked).toBe(left);
    });

    it("two relays, one killed with SIGKILL mid-batch: nothing lost, repeats only from its one unsettled batch", async () => {
      const topic = await newTopic();
      const rows = await addRows(topic, 20, 30, 50);
      const batchSize = 50;
      // One relay runs in a child. Its first batch is 50 rows; at its 10th ack the survivor
      // starts here, and the two work side by side (PostgreSQL) or the survivor waits for the
      // child's lease (SQLite) until the child kills itself at its 40th ack, in the middle of
      // that batch. On SQLite the survivor sees the dead pid and takes the lease at once.
      const survivor = store.outbox.relay({ producer, batchSize, pollIntervalMs: 20 });
      relays.push(survivor);
      const crashed = await runChildRelay(
        {
          ...store.childEnv,
          OUTBOX_BROKER_URL: broker.url,
          OUTBOX_BATCH_SIZE: String(batchSize),
          OUTBOX_ANNOUNCE_AFTER_ACKS: "10",
          OUTBOX_KILL_AFTER_ACKS: "40",
        },
        { onAcked: () => survivor.start() },
      );
      expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
      await waitFor("every row published", async () => (await pending()) === 0, 60_000);
      await survivor.stop();

      const received = await broker.readAll(topic, rows.length);
      const counts = countDeliveries(rows, received);
      console.log(`[outbox] ${name} → ${broker.name} two relays, one SIGKILLed: ${JSON.stringify(counts)}`);
      expect(counts.lost).toBe(0);
      expect(counts.distinct).toBe(600);
      expect(counts.keysOutOfOrder).toBe(0);
      // Only the dead relay's unsettled batch comes again: its 40 acked rows, at most the batch.
      expect(counts.repeats).toBeGreaterThanOrEqual(40);
      expect(counts.repeats).toBeLessThanOrEqual(batchSize);
      expect(received.length).toBe(600 + counts.repeats);
      const m = survivor.metrics();
      expect(m.sent).toBe(m.acked + m.failed);
      expect(m.failed).toBe(0);
    });

    it.runIf(name === "postgres")(
      "while one relay holds a batch, another claims neither its rows nor later rows of its keys",
      async () => {
        const topic = await newTopic();
        await addRows(topic, 4, 3, 12);
        // Claim through two stores over the table, holding the first batch open as a relay mid-send does.
        const [first, second] = [store.openStore(), store.openStore()];
        const a = await first.claim(2, Date.now());
        const b = await second.claim(12, Date.now());
        const keysOf = (rows: readonly { key?: Uint8Array }[]) =>
          new Set(rows.map((r) => Buffer.from(r.key!).toString()));
        const aKeys = keysOf(a.rows);
        // A took the first 2 rows (two keys' heads); B gets the other two keys, all 3 rows each, and nothing of A's keys.
        expect(a.rows).toHaveLength(2);
        expect(b.rows).toHaveLength(6);
        expect([...keysOf(b.rows)].filter((k) => aKeys.has(k))).toEqual([]);
        await a.settle([]);
        await b.settle([]);
      },
    );

    it.runIf(name === "postgres")("NOTIFY wakes the relay long before its poll interval", async () => {
      const topic = await newTopic();
      const relay = store.outbox.relay({ producer, pollIntervalMs: 60_000 }).start();
      relays.push(relay);
      // The relay's first empty claim is followed by a 60 s wait that only a NOTIFY ends early.
      await waitFor("the relay's first, empty claim", async () => relay.metrics().claims >= 1);
      const added = Date.now();
      await addRows(topic, 1, 1);
      await waitFor("the row published", async () => relay.metrics().acked === 1, 10_000);
      expect(Date.now() - added).toBeLessThan(10_000);
    });

    it.runIf(name === "postgres")(
      "two relays (one running 3 batches at once) share the work: no row published twice, keys in order",
      async () => {
        const topic = await newTopic();
        const rows = await addRows(topic, 20, 30, 50);
        const second = store.another();
        // The first relay also runs 3 batches side by side, each claimed like another relay's,
        // and each loop claims its next batch while it sends one.
        const a = store.outbox
          .relay({ producer, batchSize: 25, pollIntervalMs: 20, concurrency: 3, prefetch: true })
          .start();
        const otherProducer = createProducer({ url: broker.url, acks: "all", ...broker.producerOptions });
        const b = second.relay({ producer: otherProducer, batchSize: 25, pollIntervalMs: 20 }).start();
        relays.push(a, b);
        try {
          await waitFor("every row published", async () => (await pending()) === 0, 60_000);
          await a.stop();
          await b.stop();
        } finally {
          await otherProducer.close();
        }
        const received = await broker.readAll(topic, rows.length);
        expect(countDeliveries(rows, received)).toEqual({
          distinct: 600,
          repeats: 0,
          lost: 0,
          keysOutOfOrder: 0,
        });
        const [ma, mb] = [a.metrics(), b.metrics()];
        expect(ma.acked + mb.acked).toBe(600);
        expect(ma.failed + mb.failed).toBe(0);
      },
    );
  });
}
