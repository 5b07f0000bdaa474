import type { SqliteDatabase } from "./sqlite.js";

/** What `sqliteTransactions` needs of a connection: node:sqlite's `DatabaseSync` fits. */
export interface SqliteTransactionDatabase extends SqliteDatabase {
  exec(sql: string): void;
}

/**
 * Async transactions on one node:sqlite connection, which holds one transaction at a time: each
 * call waits for the previous one, then runs `work` between `BEGIN IMMEDIATE` and `COMMIT`
 * (`ROLLBACK` if it throws). `add()` is async, so two request handlers sharing a connection
 * would otherwise interleave their BEGINs.
 *
 * ```ts
 * const transaction = sqliteTransactions(db);
 * await transaction(async (tx) => {
 *   tx.prepare("INSERT INTO orders VALUES (?, ?)").run("ord-1", 4200);
 *   await outbox.add(tx, { topic: "orders", key: "ord-1", value: { type: "order.created" } });
 * });
 * ```
 */
export function sqliteTransactions<D extends SqliteTransactionDatabase>(
  db: D,
): <T>(work: (tx: D) => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = turn.then(async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(db);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    });
    turn = run.catch(() => {});
    return run;
  };
}
