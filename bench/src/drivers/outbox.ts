import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createProducer, type OutboundMessage, type Producer } from "@outbound/core";
import {
  createOutbox,
  type Outbox,
  type OutboxEntry,
  type PgQueryable,
  postgresStore,
  type Relay,
  sqliteStore,
  sqliteTransactions,
} from "@outbound/outbox";
import pg from "pg";
import type { OutboxSettings, TransportName } from "../types.js";
import type { Driver, DriverContext } from "./driver.js";
import { nullTransport } from "./null-transport.js";
import { outboundTransport } from "./outbound-transports.js";

/** How the application side writes: one transaction of rows, through the store's own connection kind. */
interface AppDatabase {
  outbox: Outbox<unknown>;
  transaction(work: (tx: unknown) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function sqliteApp(): Promise<AppDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "outbound-bench-outbox-"));
  const path = join(dir, "bench.db");
  const outbox = createOutbox({ store: sqliteStore({ path }), serializer: "bytes" }) as Outbox<unknown>;
  await outbox.setup();
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  // One connection: its transactions run one at a time, as in an application on one DatabaseSync.
  const transaction = sqliteTransactions(db);
  return {
    outbox,
    transaction: (work) => transaction(work),
    async close() {
      await outbox.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresApp(url: string, workers: number, settings: OutboxSettings): Promise<AppDatabase> {
  const table = `bench_outbox_${process.pid}`;
  // Each relay loop holds the batch it sends and the one it claims next; LISTEN holds one more.
  const relayPool = new pg.Pool({ connectionString: url, max: 2 * (settings.concurrency ?? 1) + 1 });
  const appPool = new pg.Pool({ connectionString: url, max: workers });
  const outbox = createOutbox({
    store: postgresStore({ pool: relayPool, table, listen: settings.listen !== false }),
    serializer: "bytes",
  }) as Outbox<unknown>;
  await outbox.setup();
  return {
    outbox,
    async transaction(work) {
      const client = await appPool.connect();
      try {
        await client.query("BEGIN");
        await work(client as PgQueryable);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await outbox.close();
      await appPool.query(`DROP TABLE IF EXISTS ${table}, ${table}_dead_letter CASCADE`);
      await appPool.query(`DROP FUNCTION IF EXISTS ${table}_notify()`);
      await appPool.end();
      await relayPool.end();
    },
  };
}

/**
 * The outbox end to end: `sendBatch` writes `count` rows in one application transaction and
 * resolves once the relay has published every one of them (the broker acknowledged it). What `max`
 * mode measures is then the rate at which committed rows reach the broker, compared in the same
 * group with the producer's own `send()`.
 */
export async function outboxDriver(ctx: DriverContext, store: "sqlite" | "postgres"): Promise<Driver> {
  const { spec, payloads } = ctx;
  const settings: OutboxSettings = spec.outbox ?? {};
  const transactions = settings.transactions ?? spec.params.inFlightRequests;
  const transport = settings.noBroker
    ? nullTransport()
    : await outboundTransport(spec.transport as TransportName, spec);
  const producer: Producer = createProducer({
    transport,
    acks: "all",
    maxInFlightPerPartition: spec.params.inFlightRequests,
  });
  const app =
    store === "sqlite"
      ? await sqliteApp()
      : await postgresApp(spec.endpoints.postgresUrl, transactions, settings);
  const waiting = new Map<string, () => void>();
  producer.on("ack", ({ message }) => {
    const done = message.id === undefined ? undefined : waiting.get(message.id);
    if (done) {
      waiting.delete(message.id!);
      done();
    }
  });
  let relay: Relay | undefined;
  const topic = spec.topic;
  return {
    batched: true,
    batchCallers: transactions,
    async connect() {
      await producer.connect();
      relay = app.outbox
        .relay({
          producer,
          ...(settings.relayBatchSize ? { batchSize: settings.relayBatchSize } : {}),
          ...(settings.prefetch !== undefined ? { prefetch: settings.prefetch } : {}),
          ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
          ...(settings.pollIntervalMs ? { pollIntervalMs: settings.pollIntervalMs } : {}),
        })
        .start();
    },
    sendOne: (i) => sendRows(i, 1),
    sendBatch: (i, count) => sendRows(i, count),
    async close() {
      await relay?.stop();
      await producer.close({ timeoutMs: 10_000 });
      await app.close();
    },
    notes: () => {
      const m = relay?.metrics();
      return m
        ? [
            `outbox ${store}: ${m.batches} relay batches, mean ${(m.acked / Math.max(1, m.batches)).toFixed(0)} rows`,
          ]
        : [];
    },
  };

  async function sendRows(i: number, count: number): Promise<void> {
    const messages: OutboundMessage<Uint8Array>[] = [];
    for (let n = i; n < i + count; n++) {
      const key = payloads.key(n);
      messages.push(key ? { topic, value: payloads.value(n), key } : { topic, value: payloads.value(n) });
    }
    const acked: Promise<void>[] = [];
    // The waiters are set before the commit: the relay may publish a row the moment it commits.
    const expect = (entries: readonly OutboxEntry[]) => {
      for (const { id } of entries) acked.push(new Promise((resolve) => waiting.set(id, resolve)));
    };
    await app.transaction(async (tx) => {
      if (settings.addMany === false) {
        for (const message of messages) expect([await app.outbox.add(tx, message)]);
      } else expect(await app.outbox.addMany(tx, messages));
    });
    await Promise.all(acked);
  }
}
