import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createProducer } from "@outbound/core";
import { getMemoryBroker } from "@outbound/memory";
import { createOutbox, sqliteStore } from "@outbound/outbox";
import { orderEvents } from "./orders.js";

export interface OutboxDemoOptions {
  orders: number;
  topic: string;
  /** The memory broker the relay publishes to. */
  brokerName: string;
  print: (line: string) => void;
}

export interface OutboxDemoSummary {
  committed: number;
  rolledBack: number;
  published: number;
  held: number;
  keysInOrder: boolean;
}

/**
 * `pnpm demo --outbox`: each order event is written with its order row in one SQLite
 * transaction (one of them rolled back), and a relay publishes the committed events to the
 * in-process broker.
 */
export async function runOutboxDemo(options: OutboxDemoOptions): Promise<OutboxDemoSummary> {
  const { print, topic } = options;
  const dir = mkdtempSync(join(tmpdir(), "outbound-outbox-demo-"));
  const path = join(dir, "shop.db");
  const outbox = createOutbox({ store: sqliteStore({ path }) });
  const db = new DatabaseSync(path);
  const producer = createProducer({
    url: `memory://${options.brokerName}?partitions=3`,
    clientId: "outbox-demo",
  });
  try {
    await outbox.setup();
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, total_cents INTEGER NOT NULL)");
    const upsert = db.prepare(
      "INSERT INTO orders VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status",
    );
    print(`outbox: SQLite ${path}, relay to memory://${options.brokerName}`);

    let committed = 0;
    let rolledBack = 0;
    const expected = new Map<string, string[]>();
    for (const [i, event] of [...orderEvents(options.orders)].entries()) {
      db.exec("BEGIN IMMEDIATE");
      upsert.run(event.orderId, event.type, event.totalCents);
      const { id } = await outbox.add(db, {
        topic,
        key: event.orderId,
        value: event,
        headers: { "event-type": event.type },
      });
      // Every 25th change is abandoned: its row and its event vanish together.
      if (i % 25 === 24) {
        db.exec("ROLLBACK");
        rolledBack++;
        continue;
      }
      db.exec("COMMIT");
      committed++;
      expected.set(event.orderId, [...(expected.get(event.orderId) ?? []), id]);
    }
    print(`  committed ${committed} changes with their events, rolled back ${rolledBack}`);
    print(`  outbox backlog before the relay: ${(await outbox.backlog()).pending} rows`);

    const relay = outbox.relay({ producer, batchSize: 50, pollIntervalMs: 10 }).start();
    while ((await outbox.backlog()).pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await relay.stop();

    const held = getMemoryBroker(options.brokerName).messages(topic);
    const arrived = new Map<string, string[]>();
    for (const m of held) {
      const key = Buffer.from(m.key ?? []).toString();
      arrived.set(key, [...(arrived.get(key) ?? []), m.id ?? ""]);
    }
    const keysInOrder = [...expected].every(([key, ids]) => arrived.get(key)?.join() === ids.join());
    const metrics = relay.metrics();
    print("");
    print("summary");
    print(
      `  published ${metrics.acked} (sent ${metrics.sent}, failed ${metrics.failed}) in ${metrics.batches} batches`,
    );
    print(
      `  broker holds ${held.length} messages on "${topic}", every order's events in order: ${keysInOrder}`,
    );
    print(`  outbox backlog after: ${(await outbox.backlog()).pending} rows`);
    return { committed, rolledBack, published: metrics.acked, held: held.length, keysInOrder };
  } finally {
    await producer.close();
    await outbox.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
