import { randomUUID } from "node:crypto";
import {
  createOutbox,
  type Outbox,
  type OutboxStore,
  type PgQueryable,
  postgresStore,
} from "@outbound/outbox";
import pg from "pg";
import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { sqliteFixture } from "../sqlite-fixture.js";

/** One store under test: its outbox, a way to run application transactions, and what a child relay needs. */
export interface StoreSubject {
  name: "sqlite" | "postgres";
  outbox: Outbox<unknown>;
  transaction<T>(work: (tx: unknown) => Promise<T>): Promise<T>;
  /** Another outbox over the same table, with connections of its own: a second relay instance. */
  another(): Outbox<unknown>;
  /** A bare store over the same table, with connections of its own (PostgreSQL only). */
  openStore(): OutboxStore<unknown>;
  /** Environment for relay-child.mjs to open the same table. */
  childEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function sqliteSubject(): Promise<StoreSubject> {
  const fx = await sqliteFixture();
  return {
    name: "sqlite",
    outbox: fx.outbox as Outbox<unknown>,
    transaction: (work) => fx.transaction(work),
    another: () => {
      throw new Error("on SQLite a second relay only waits for the lease: outbox-sqlite-lease.test.ts");
    },
    openStore: () => {
      throw new Error("on SQLite a second relay only waits for the lease: outbox-sqlite-lease.test.ts");
    },
    childEnv: { OUTBOX_STORE: "sqlite", OUTBOX_SQLITE_PATH: fx.path },
    cleanup: () => fx.cleanup(),
  };
}

/** A table of its own per subject in the local PostgreSQL (`pnpm brokers up postgres`), dropped at the end. */
export async function postgresSubject(): Promise<StoreSubject> {
  const url = endpoints().postgres;
  const table = `outbox_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const pools: pg.Pool[] = [];
  const outboxes: Outbox<unknown>[] = [];
  const open = () => {
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    pools.push(pool);
    const outbox = createOutbox({ store: postgresStore({ pool, table }) }) as Outbox<unknown>;
    outboxes.push(outbox);
    return outbox;
  };
  const outbox = open();
  await outbox.setup();
  const appPool = new pg.Pool({ connectionString: url, max: 4 });
  pools.push(appPool);
  await appPool.query("CREATE TABLE IF NOT EXISTS outbox_test_orders (id TEXT PRIMARY KEY, total INTEGER)");
  return {
    name: "postgres",
    outbox,
    async transaction(work) {
      const client = await appPool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(client as PgQueryable);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    another: open,
    openStore() {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      pools.push(pool);
      return postgresStore({ pool, table, listen: false }) as OutboxStore<unknown>;
    },
    childEnv: { OUTBOX_STORE: "postgres", OUTBOX_PG_URL: url, OUTBOX_TABLE: table },
    async cleanup() {
      for (const o of outboxes) await o.close();
      await appPool.query(`DROP TABLE IF EXISTS ${table}, ${table}_dead_letter CASCADE`);
      await appPool.query(`DROP FUNCTION IF EXISTS ${table}_notify()`);
      for (const pool of pools) await pool.end();
    },
  };
}
