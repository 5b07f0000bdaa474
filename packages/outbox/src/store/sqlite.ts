import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { OutboundError } from "@outbound/core";
import type { StoredOutboxMessage } from "../message/outbox-message.js";
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
import {
  heldLeaseCondition,
  type LeaseStatements,
  leaseStatements,
  mayTakeLease,
  readLease,
  relayLeaseDdl,
} from "./sqlite-lease.js";
import type {
  ClaimedBatch,
  DeadLetterRow,
  OutboxBacklog,
  OutboxStore,
  RelayLease,
  RowOutcome,
} from "./store.js";
import { checkTableName } from "./table-name.js";

/**
 * What `add()` needs of the application's connection: node:sqlite's `DatabaseSync` fits. Written
 * out so the package's declarations do not need `node:sqlite`'s types (newer @types/node only).
 */
export interface SqliteDatabase {
  prepare(sql: string): { run(...params: never[]): { lastInsertRowid: number | bigint } };
}

export interface SqliteStoreOptions {
  /** The database file; the relay opens a connection of its own to it. */
  path: string;
  /** Outbox table name (default `outbound_outbox`); dead letters go to `<table>_dead_letter`. */
  table?: string;
  /**
   * How long the relay waits for the write lock when the application holds it. The wait is
   * asynchronous (retries without blocking the event loop, since the holder may be this very
   * process awaiting inside its transaction). Default 5000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * How long a relay's lease on the file lasts without renewal. Only the lease's holder claims
   * rows, so a second relay on the same file waits as a standby and takes over when the first
   * stops, dies (seen at once on the same host), or stalls past this long. The holder renews it
   * every third of it. Default 15000 ms.
   */
  leaseMs?: number;
}

type Row = Record<string, SQLInputValue>;

const SQLITE_BUSY = 5;

/** How often a waiting relay looks for another connection's commit. */
const COMMIT_CHECK_MS = 2;

function isBusy(error: unknown): boolean {
  return (error as { errcode?: number }).errcode === SQLITE_BUSY;
}

/** Runs `step`, retrying after a short async pause while the database is locked, up to `timeoutMs`. */
async function whenUnlocked(step: () => void, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      step();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction as a single synchronous step, retried whole
 * while the lock is taken: were there an await between BEGIN and COMMIT, even a resolved one, an
 * application transaction in this process could start in that gap and wait synchronously for a
 * lock only this (then frozen) event loop would release.
 */
function inWriteTransaction(db: DatabaseSync, work: () => void, timeoutMs: number): Promise<void> {
  return whenUnlocked(() => {
    db.exec("BEGIN IMMEDIATE");
    try {
      work();
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }, timeoutMs);
}

/**
 * The outbox in a SQLite file, through Node's built-in `node:sqlite` (Node 22.13 or newer): no
 * server, no dependency. The application passes its own `DatabaseSync` to `add()` inside its
 * transaction; the relay reads with a connection of its own, in WAL mode so neither blocks the
 * other for long. One relay claims at a time: SQLite has no row locks to share the work with, so
 * a relay holds a lease on the file (`leaseMs`) and another relay waits as a standby.
 */
export function sqliteStore(options: SqliteStoreOptions): OutboxStore<SqliteDatabase> {
  const table = checkTableName(options.table ?? "outbound_outbox");
  const dead = `${table}_dead_letter`;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const leaseMs = options.leaseMs ?? 15_000;
  if (!(leaseMs > 0) || !Number.isFinite(leaseMs)) {
    throw new OutboundError("INVALID_CONFIG", `leaseMs must be a positive number, got ${String(leaseMs)}`, {
      transport: "outbox",
      details: { field: "leaseMs" },
    });
  }
  const inserts = new WeakMap<SqliteDatabase, StatementSync>();
  type Connection = { db: DatabaseSync; sql: Record<string, StatementSync>; lease: LeaseStatements };
  let opening: Promise<Connection> | undefined;

  // One connection however many callers ask at once (the relay's loop and backlog() may).
  function connection(): Promise<Connection> {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  }

  async function open(): Promise<Connection> {
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(options.path);
    // No synchronous busy wait: node:sqlite would block the event loop while the lock holder
    // (an application transaction in this process) needs that loop to finish. Retried below.
    db.exec("PRAGMA busy_timeout = 0");
    await whenUnlocked(() => db.exec("PRAGMA journal_mode = WAL"), busyTimeoutMs);
    // A delete lost to a power cut only means a row is sent again: at-least-once already allows it.
    db.exec("PRAGMA synchronous = NORMAL");
    await whenUnlocked(() => db.exec(outboxTablesDdl(table, "sqlite")), busyTimeoutMs);
    await whenUnlocked(() => db.exec(relayLeaseDdl(table)), busyTimeoutMs);
    const sql: Record<string, StatementSync> = {
      // A row waits while an earlier row of its topic and key is parked, backing off, or held
      // in a batch of the relay's that is not settled yet (`:held`, a JSON array of seqs): that
      // is what keeps per-key order when a send fails, and when the next batch is claimed while
      // the current one is being sent. SQLite has no row locks, so the held rows are named, and
      // only the relay holding the lease (`:owner`) gets any rows at all.
      claim: db.prepare(
        `SELECT ${ROW_COLUMNS} FROM ${table} o
           WHERE ${heldLeaseCondition(table)}
             AND o.parked = 0 AND o.available_at <= :now
             AND o.seq NOT IN (SELECT value FROM json_each(:held))
             AND NOT EXISTS (SELECT 1 FROM ${table} e
                             WHERE e.topic = o.topic AND e.key = o.key AND e.seq < o.seq
                               AND (e.parked = 1 OR e.available_at > :now
                                    OR e.seq IN (SELECT value FROM json_each(:held))))
           ORDER BY o.seq LIMIT :limit`,
      ),
      ack: db.prepare(`DELETE FROM ${table} WHERE seq = ?`),
      // A batch's acknowledged rows in one statement: one scan of the index instead of one per row.
      ackMany: db.prepare(`DELETE FROM ${table} WHERE seq IN (SELECT value FROM json_each(?))`),
      retry: db.prepare(
        `UPDATE ${table} SET attempts = attempts + 1, available_at = ?, last_error = ? WHERE seq = ?`,
      ),
      park: db.prepare(
        `UPDATE ${table} SET attempts = attempts + 1, parked = 1, last_error = ? WHERE seq = ?`,
      ),
      dead: db.prepare(
        `INSERT INTO ${dead} (${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS})
           SELECT ${ROW_COLUMNS.replace("attempts", "attempts + 1")}, ?, ?, ?, ? FROM ${table} WHERE seq = ?`,
      ),
      dataVersion: db.prepare("PRAGMA data_version"),
      backlog: db.prepare(
        `SELECT COUNT(*) AS pending, COALESCE(SUM(parked), 0) AS parked, MIN(created_at) AS oldest FROM ${table}`,
      ),
      parked: db.prepare(
        `SELECT ${ROW_COLUMNS}, last_error FROM ${table} WHERE parked = 1 ORDER BY seq LIMIT ?`,
      ),
      retryParked: db.prepare(
        `UPDATE ${table} SET parked = 0, available_at = 0 WHERE seq = ? AND parked = 1`,
      ),
      // last_error is `CODE: message`, as the park outcome wrote it.
      discardParked: db.prepare(
        `INSERT INTO ${dead} (${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS})
         SELECT ${ROW_COLUMNS}, substr(last_error, 1, instr(last_error, ': ') - 1),
                substr(last_error, instr(last_error, ': ') + 2), NULL, ?
         FROM ${table} WHERE seq = ? AND parked = 1`,
      ),
      deadLetters: db.prepare(
        `SELECT ${ROW_COLUMNS}, ${DEAD_LETTER_COLUMNS} FROM ${dead} ORDER BY seq LIMIT ?`,
      ),
    };
    return { db, sql, lease: leaseStatements(db, table) };
  }

  function insertStatement(db: SqliteDatabase): StatementSync {
    let statement = inserts.get(db);
    if (!statement) {
      if (typeof (db as Partial<SqliteDatabase>)?.prepare !== "function") {
        throw new OutboundError("INVALID_CONFIG", "add() needs the application's node:sqlite DatabaseSync", {
          transport: "outbox",
        });
      }
      statement = (db as unknown as DatabaseSync).prepare(
        `INSERT INTO ${table} (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      inserts.set(db, statement);
    }
    return statement;
  }

  function applyOutcome(sql: Record<string, StatementSync>, outcome: RowOutcome, now: number): void {
    switch (outcome.kind) {
      case "acked":
        return; // deleted together, in settle()
      case "retry":
        sql.retry!.run(outcome.availableAt, outcome.error, outcome.seq);
        return;
      case "parked":
        sql.park!.run(`${outcome.errorCode}: ${outcome.error}`, outcome.seq);
        return;
      case "dead":
        sql.dead!.run(outcome.errorCode, outcome.error, outcome.destination ?? null, now, outcome.seq);
        sql.ack!.run(outcome.seq);
        return;
    }
  }

  const lease: RelayLease = {
    durationMs: leaseMs,
    async acquire(holder, now) {
      const { db, lease } = await connection();
      // A standby reads without writing, so waiting for the lease takes no write lock from the
      // application; only a lease that looks takeable is decided again under the lock.
      if (!mayTakeLease(readLease(lease), holder, now)) return false;
      let taken = false;
      await inWriteTransaction(
        db,
        () => {
          taken = mayTakeLease(readLease(lease), holder, now);
          if (taken) lease.write.run(holder.owner, holder.pid, holder.host, now + leaseMs);
        },
        busyTimeoutMs,
      );
      return taken;
    },
    async release(owner) {
      const { lease } = await connection();
      await whenUnlocked(() => lease.release.run(owner), busyTimeoutMs);
    },
  };

  return {
    name: "sqlite",
    concurrentClaims: false,
    lease,

    async setup() {
      await connection();
    },

    async insert(tx, message: StoredOutboxMessage, createdAt) {
      const values = insertValues(message, createdAt, (bytes) => bytes) as SQLInputValue[];
      const result = insertStatement(tx).run(...values);
      return Number(result.lastInsertRowid);
    },

    async insertMany(tx, messages, createdAt) {
      const statement = insertStatement(tx);
      // No await between the rows: they go in as one step of the caller's transaction.
      return messages.map((message) => {
        const values = insertValues(message, createdAt, (bytes) => bytes) as SQLInputValue[];
        return Number(statement.run(...values).lastInsertRowid);
      });
    },

    async claim(limit, now, held, owner): Promise<ClaimedBatch> {
      if (typeof owner !== "string") {
        throw new OutboundError("INVALID_CONFIG", "a SQLite claim needs the owner of the relay lease", {
          transport: "outbox",
          details: { field: "owner" },
        });
      }
      const { db, sql } = await connection();
      const heldJson = held && held.size > 0 ? JSON.stringify([...held]) : "[]";
      const rows = (sql.claim!.all({ now, limit, held: heldJson, owner }) as Row[]).map(rowFromColumns);
      return {
        rows,
        async settle(outcomes) {
          if (outcomes.length === 0) return;
          const settledAt = Date.now();
          const acked = JSON.stringify(outcomes.filter((o) => o.kind === "acked").map((o) => o.seq));
          await inWriteTransaction(
            db,
            () => {
              for (const outcome of outcomes) applyOutcome(sql, outcome, settledAt);
              if (acked.length > 0) sql.ackMany!.run(acked);
            },
            busyTimeoutMs,
          );
        },
      };
    },

    async backlog(): Promise<OutboxBacklog> {
      const { sql } = await connection();
      const r = sql.backlog!.get() as Row;
      return {
        pending: Number(r.pending),
        parked: Number(r.parked),
        oldestCreatedAt: r.oldest === null ? undefined : Number(r.oldest),
      };
    },

    async deadLetters(limit = 1000): Promise<DeadLetterRow[]> {
      const { sql } = await connection();
      return (sql.deadLetters!.all(limit) as Row[]).map(deadLetterFromColumns);
    },

    async parked(limit = 1000) {
      const { sql } = await connection();
      return (sql.parked!.all(limit) as Row[]).map(parkedFromColumns);
    },

    async unpark(seq, action) {
      const { db, sql } = await connection();
      let changed = false;
      await inWriteTransaction(
        db,
        () => {
          if (action === "retry") changed = Number(sql.retryParked!.run(seq).changes) > 0;
          else {
            changed = Number(sql.discardParked!.run(Date.now(), seq).changes) > 0;
            if (changed) sql.ack!.run(seq);
          }
        },
        busyTimeoutMs,
      );
      return changed;
    },

    async waitForRows(timeoutMs, signal) {
      // SQLite cannot notify, but `PRAGMA data_version` changes whenever another connection
      // commits, and reading it costs next to nothing: checked every few milliseconds, it wakes
      // the relay soon after the application commits, and the claim query runs only then.
      const { sql } = await connection();
      const version = () => Number((sql.dataVersion!.get() as Row).data_version);
      const start = version();
      const deadline = Date.now() + timeoutMs;
      while (!signal.aborted && Date.now() < deadline) {
        await sleep(Math.min(COMMIT_CHECK_MS, deadline - Date.now()), signal);
        if (version() !== start) return;
      }
    },

    async close() {
      const open = await opening?.catch(() => undefined);
      opening = undefined;
      open?.db.close();
    },
  };
}
