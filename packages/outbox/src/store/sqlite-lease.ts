import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { LeaseHolder } from "./store.js";

/**
 * The relay lease on SQLite. SQLite has no row locks, so two relays on one file would claim the
 * same rows; instead one row in `<table>_relay_lease` names the one relay that may claim, until
 * `expires_at`. The holder renews it well before then; a relay that stops deletes it, and a
 * relay that died is recognised (same host, its pid gone) so the next one need not wait the
 * lease out.
 */
export function relayLeaseDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table}_relay_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  )`;
}

/**
 * The condition the claim query adds: it returns rows only to the lease's live holder, checked
 * in the same statement that reads them, so a relay whose lease was taken over claims nothing.
 */
export function heldLeaseCondition(table: string): string {
  return `EXISTS (SELECT 1 FROM ${table}_relay_lease
                  WHERE id = 1 AND owner = :owner AND expires_at > :now)`;
}

export interface LeaseStatements {
  read: StatementSync;
  write: StatementSync;
  release: StatementSync;
}

export function leaseStatements(db: DatabaseSync, table: string): LeaseStatements {
  const lease = `${table}_relay_lease`;
  return {
    read: db.prepare(`SELECT owner, pid, host, expires_at FROM ${lease} WHERE id = 1`),
    write: db.prepare(
      `INSERT OR REPLACE INTO ${lease} (id, owner, pid, host, expires_at) VALUES (1, ?, ?, ?, ?)`,
    ),
    release: db.prepare(`DELETE FROM ${lease} WHERE id = 1 AND owner = ?`),
  };
}

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  expiresAt: number;
}

export function readLease(statements: LeaseStatements): LeaseRow | undefined {
  const row = statements.read.get() as Record<string, SQLInputValue> | undefined;
  if (!row) return undefined;
  return {
    owner: String(row.owner),
    pid: Number(row.pid),
    host: String(row.host),
    expiresAt: Number(row.expires_at),
  };
}

/** Whether process `pid` on this host is gone. EPERM means it lives under another user. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Whether `holder` may take the lease `current` describes at `now`: when there is none, when it
 * has run out, when it is the holder's own, or when it names a process of this host that no
 * longer exists (a relay killed before it could release). A lease of another host is only taken
 * once it runs out: its pid means nothing here.
 */
export function mayTakeLease(current: LeaseRow | undefined, holder: LeaseHolder, now: number): boolean {
  if (current === undefined || current.expiresAt <= now || current.owner === holder.owner) return true;
  return current.host === holder.host && current.pid !== holder.pid && processGone(current.pid);
}
