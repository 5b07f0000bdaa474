import { OutboundError } from "@outbound/core";
import type { OutboxRow, StoredOutboxMessage } from "../message/outbox-message.js";
import {
  DEAD_LETTER_COLUMNS,
  deadLetterFromColumns,
  INSERT_COLUMNS,
  insertValues,
  parkedFromColumns,
  ROW_COLUMNS,
  rowFromColumns,
} from "./row-columns.js";
import { outboxTablesDdl } from "./schema.js";
import { sleep } from "./sleep.js";
import type { ClaimedBatch, DeadLetterRow, OutboxBacklog, OutboxStore, RowOutcome } from "./store.js";
import { checkTableName } from "./table-name.js";

// The few `pg` shapes the store uses, written out so that neither this package nor an application
// using only SQLite needs `pg`'s types installed: `pg` is an optional peer.

/** Anything with `pg`'s `query()`: a `Client`, a `PoolClient`, a `Pool`; for `add()`, the client in a transaction. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** A client checked out of a `pg.Pool`. */
export interface PgPoolClient extends PgQueryable {
  release(error?: Error | boolean): void;
  on(event: "notification", listener: (message: { channel: string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** A `pg.Pool`: the relay checks out one client per batch, and one more for LISTEN. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
}

export interface PostgresStoreOptions {
  /** The relay's connections. The application's own transactions reach `add()` as its `tx`. */
  pool: PgPool;
  /** Outbox table name (default `outbound_outbox`); dead letters go to `<table>_dead_letter`. */
  table?: string;
  /** Wake on NOTIFY (sent by an insert trigger) instead of only polling. Default true. */
  listen?: boolean;
}

const asBuffer = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

function checkClient(tx: unknown): asserts tx is PgQueryable {
  if (typeof (tx as Partial<PgQueryable>)?.query !== "function") {
    throw new OutboundError("INVALID_CONFIG", "add() needs the application's pg client in its transaction", {
      transport: "outbox",
    });
  }
}

/** A number as SQL text, for the few statements that splice numbers in to save a round trip. */
function integerLiteral(value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new OutboundError("INTERNAL", `expected an integer, got ${String(value)}`, { transport: "outbox" });
  }
  return value;
}

/** The tables, and the trigger that NOTIFYs the relays once per inserting statement. */
function schema(table: string): string {
  return `${outboxTablesDdl(table, "postgres")}
CREATE OR REPLACE FUNCTION ${table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${table}', '');
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER ${table}_notify AFTER INSERT ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ${table}_notify();`;
}

/**
 * The outbox in PostgreSQL, through `pg`. Any number of relays may run: a batch is claimed with
 * `SELECT ... FOR UPDATE SKIP LOCKED` in a transaction that stays open until the batch is
 * settled, so no two relays hold the same row, and a relay that dies releases its rows with its
 * connection. A row is claimable only as the head of its topic and key (no earlier row of the
 * key left), and the key's later rows are taken with it: two relays never split one key.
 */
export function postgresStore(options: PostgresStoreOptions): OutboxStore<PgQueryable> {
  const pool = options.pool;
  if (typeof pool?.connect !== "function") {
    throw new OutboundError("INVALID_CONFIG", "postgresStore needs a pg.Pool as `pool`", {
      transport: "outbox",
      details: { field: "pool" },
    });
  }
  const table = checkTableName(options.table ?? "outbound_outbox");
  const dead = `${table}_dead_letter`;
  let listener: Promise<PgPoolClient> | undefined;
  const waiters = new Set<() => void>();
  // A NOTIFY that came while nobody waited (the relay was publishing) ends the next wait at once.
  let missed = false;

  // One statement, sent with BEGIN in one round trip: the heads of their keys (no earlier row of
  // the key left), skipping rows other relays hold; then after each head the rows of its key up
  // to the first that is parked or backing off, found through the (topic, key, seq) index.
  // Numbers only are spliced into the text (see integerLiteral), so it needs no parameters.
  const claimSql = (limit: number, now: number) => `
    BEGIN;
    WITH heads AS (
      SELECT seq, topic, key FROM ${table} o
      WHERE NOT o.parked AND o.available_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.topic = o.topic AND e.key = o.key AND e.seq < o.seq)
      ORDER BY o.seq LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), followers AS (
      SELECT o.seq FROM heads h JOIN ${table} o ON o.topic = h.topic AND o.key = h.key AND o.seq > h.seq
      WHERE NOT o.parked
        AND NOT EXISTS (SELECT 1 FROM ${table} p
                        WHERE p.topic = o.topic AND p.key = o.key AND p.seq < o.seq
                          AND (p.parked OR p.available_at > ${now}))
    )
    SELECT ${ROW_COLUMNS} FROM ${table}
    WHERE seq IN (SELECT seq FROM heads UNION ALL SELECT seq FROM followers)
    ORDER BY seq LIMIT ${limit}
    FOR UPDATE`;

  async function applyOutcome(client: PgQueryable, outcome: RowOutcome, now: number): Promise<void> {
    switch (outcome.kind) {
      case "acked":
        return; // deleted together, below
      case "retry":
        await client.query(
          `UPDATE ${table} SET attempts = attempts + 1, available_at = $1, last_error = $2 WHERE seq = $3`,
          [outcome.availableAt, outcome.error, outcome.seq],
        );
        return;
      case "parked":
        await client.query(
          `UPDATE ${table} SET attempts = attempts + 1, parked = true, last_error = $1 WHERE seq = $2`,
          [`${outcome.errorCode}: ${outcome.error}`, outcome.seq],
        );
        return;
      case "dead":
        await client.query(
          `WITH moved AS (DELETE FROM ${table} WHERE seq = $5 RETURNING *)
           INSERT INTO ${dead} (${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS})
           SELECT ${ROW_COLUMNS.replace("attempts", "attempts + 1")}, $1, $2, $3, $4 FROM moved`,
          [outcome.errorCode, outcome.error, outcome.destination ?? null, now, outcome.seq],
        );
        return;
    }
  }

  async function inTransaction<T>(work: (client: PgPoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  function listen(): Promise<PgPoolClient> {
    listener ??= (async () => {
      const client = await pool.connect();
      client.on("notification", () => {
        if (waiters.size === 0) missed = true;
        for (const wake of [...waiters]) wake();
      });
      client.on("error", () => {
        // The next wait connects again; until then the relay polls.
        listener = undefined;
        client.release(true);
      });
      await client.query(`LISTEN ${table}`);
      return client;
    })();
    listener.catch(() => {
      listener = undefined;
    });
    return listener;
  }

  return {
    name: "postgres",
    concurrentClaims: true,

    async setup() {
      await inTransaction(async (client) => {
        // Two relays starting together would race on CREATE ... IF NOT EXISTS.
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [table]);
        await client.query(schema(table));
      });
    },

    async insert(tx, message: StoredOutboxMessage, createdAt) {
      checkClient(tx);
      const result = await tx.query(
        `INSERT INTO ${table} (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
        insertValues(message, createdAt, asBuffer),
      );
      return Number(result.rows[0]!.seq);
    },

    async insertMany(tx, messages, createdAt) {
      checkClient(tx);
      // One statement whatever the count: the rows travel as ten arrays (one per column) that
      // unnest() zips back into rows, so there is no parameter limit and one plan. The rows are
      // inserted in ordinality order, so their seqs (nextval per row) follow the given order.
      const columns: unknown[][] = Array.from({ length: 9 }, () => []);
      for (const message of messages) {
        const values = insertValues(message, createdAt, asBuffer);
        for (let c = 0; c < 9; c++) columns[c]!.push(values[c]);
      }
      const result = await tx.query(
        `INSERT INTO ${table} (${INSERT_COLUMNS})
         SELECT topic, key, headers, value, content_type, message_id, part, ts, delay, $10
         FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bytea[], $5::text[], $6::text[],
                     $7::integer[], $8::bigint[], $9::bigint[])
              WITH ORDINALITY AS m(topic, key, headers, value, content_type, message_id, part, ts, delay, n)
         ORDER BY n
         RETURNING seq`,
        [...columns, createdAt],
      );
      // RETURNING promises no order; the seqs were handed out in the rows' order.
      return result.rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
    },

    async claim(limit, now): Promise<ClaimedBatch> {
      // Listening before the claim's snapshot: a row committed after it is announced to us, so
      // the wait that follows an empty claim cannot miss it.
      if (options.listen !== false) await listen().catch(() => {});
      const client = await pool.connect();
      let open = false;
      const fail = async (error: unknown) => {
        if (open) await client.query("ROLLBACK").catch(() => {});
        client.release(error instanceof Error ? error : true);
        throw error;
      };
      let rows: OutboxRow[];
      try {
        open = true;
        const results = (await client.query(
          claimSql(integerLiteral(limit), integerLiteral(now)),
        )) as unknown as { rows: Record<string, unknown>[] }[];
        rows = results[1]!.rows.map(rowFromColumns);
        if (rows.length === 0) {
          await client.query("COMMIT");
          client.release();
          return { rows, settle: async () => {} };
        }
      } catch (error) {
        return fail(error);
      }
      return {
        rows,
        async settle(outcomes) {
          try {
            const settledAt = Date.now();
            for (const outcome of outcomes) await applyOutcome(client, outcome, settledAt);
            const acked = outcomes.filter((o) => o.kind === "acked").map((o) => integerLiteral(o.seq));
            // The common case, every row acknowledged, is one round trip: the delete and the commit together.
            await client.query(
              acked.length > 0
                ? `DELETE FROM ${table} WHERE seq = ANY('{${acked.join(",")}}'::bigint[]); COMMIT`
                : "COMMIT",
            );
            client.release();
          } catch (error) {
            await fail(error);
          }
        },
      };
    },

    async backlog(): Promise<OutboxBacklog> {
      const r = (
        await pool.query(
          `SELECT count(*) AS pending, count(*) FILTER (WHERE parked) AS parked, min(created_at) AS oldest FROM ${table}`,
        )
      ).rows[0]!;
      return {
        pending: Number(r.pending),
        parked: Number(r.parked),
        oldestCreatedAt: r.oldest === null ? undefined : Number(r.oldest),
      };
    },

    async deadLetters(limit = 1000): Promise<DeadLetterRow[]> {
      const result = await pool.query(
        `SELECT ${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS} FROM ${dead} ORDER BY seq LIMIT $1`,
        [limit],
      );
      return result.rows.map(deadLetterFromColumns);
    },

    async parked(limit = 1000) {
      const result = await pool.query(
        `SELECT ${ROW_COLUMNS}, last_error FROM ${table} WHERE parked ORDER BY seq LIMIT $1`,
        [limit],
      );
      return result.rows.map(parkedFromColumns);
    },

    async unpark(seq, action) {
      if (action === "retry") {
        const result = await pool.query(
          `UPDATE ${table} SET parked = false, available_at = 0 WHERE seq = $1 AND parked RETURNING seq`,
          [seq],
        );
        return result.rows.length > 0;
      }
      // last_error is `CODE: message`, as the park outcome wrote it.
      const result = await pool.query(
        `WITH moved AS (DELETE FROM ${table} WHERE seq = $1 AND parked RETURNING *)
         INSERT INTO ${dead} (${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS})
         SELECT ${ROW_COLUMNS}, split_part(last_error, ': ', 1),
                substr(last_error, strpos(last_error, ': ') + 2), NULL, $2 FROM moved
         RETURNING seq`,
        [seq, Date.now()],
      );
      return result.rows.length > 0;
    },

    async waitForRows(timeoutMs, signal) {
      if (options.listen === false) return sleep(timeoutMs, signal);
      try {
        await listen();
      } catch {
        return sleep(timeoutMs, signal);
      }
      if (missed) {
        missed = false;
        return;
      }
      const woken = new AbortController();
      const wake = () => woken.abort();
      waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
      try {
        await sleep(timeoutMs, woken.signal);
      } finally {
        waiters.delete(wake);
        signal.removeEventListener("abort", wake);
      }
    },

    async close() {
      const client = await listener?.catch(() => undefined);
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN ${table}`).catch(() => {});
        client.release();
      }
    },
  };
}
