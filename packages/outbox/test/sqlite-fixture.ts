import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  createOutbox,
  type Outbox,
  type OutboxStore,
  sqliteStore,
  sqliteTransactions,
} from "@outbound/outbox";

export interface SqliteFixture {
  path: string;
  /** The application's own connection, with an `orders` table beside the outbox. */
  app: DatabaseSync;
  outbox: Outbox<DatabaseSync>;
  /**
   * Runs `work` in one application transaction: BEGIN, then COMMIT, or ROLLBACK if it throws.
   * Callers take turns: one connection holds one transaction at a time.
   */
  transaction<T>(work: (db: DatabaseSync) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
}

/** A real SQLite file in a fresh temporary folder, as an application would have one. */
export async function sqliteFixture(options: { table?: string } = {}): Promise<SqliteFixture> {
  const dir = mkdtempSync(join(tmpdir(), "outbox-sqlite-"));
  const path = join(dir, "app.db");
  const outbox = createOutbox({ store: sqliteStore({ path, ...options }) });
  await outbox.setup();
  const app = new DatabaseSync(path);
  app.exec("PRAGMA busy_timeout = 5000");
  app.exec("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, total INTEGER NOT NULL)");
  return {
    path,
    app,
    outbox,
    transaction: sqliteTransactions(app),
    async cleanup() {
      await outbox.close();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Takes `store`'s relay lease as a relay would, for tests that claim on the store directly, and
 * gives the owner to pass to `claim()`.
 */
export async function takeLease(store: OutboxStore<unknown>, owner = "test-relay"): Promise<string> {
  const taken = await store.lease!.acquire({ owner, pid: process.pid, host: hostname() }, Date.now());
  if (!taken) throw new Error("the lease is held by another relay");
  return owner;
}
