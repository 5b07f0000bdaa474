import type { OutboxRow, StoredOutboxMessage } from "../message/outbox-message.js";

/** What the relay decided for one claimed row, once its send settled. */
export type RowOutcome =
  /** The broker acknowledged it: the row is deleted. */
  | { seq: number; kind: "acked" }
  /** A failure that may pass (broker down, timeout): the row stays and is tried again after `availableAt`. */
  | { seq: number; kind: "retry"; availableAt: number; error: string }
  /** A terminal failure: the row moves to the dead-letter table, rows behind it go on. */
  | { seq: number; kind: "dead"; errorCode: string; error: string; destination: string | undefined }
  /** A terminal failure under `strictOrder`: the row stays, parked, and its key's later rows wait. */
  | { seq: number; kind: "parked"; errorCode: string; error: string };

/** Rows a relay holds until it settles them; no other relay publishes them meanwhile. */
export interface ClaimedBatch {
  readonly rows: readonly OutboxRow[];
  /** Applies the outcomes in one database transaction. Rows without an outcome are left as they were. */
  settle(outcomes: readonly RowOutcome[]): Promise<void>;
}

/** How far behind the relay is. */
export interface OutboxBacklog {
  /** Rows not yet published (parked rows included). */
  pending: number;
  /** Of those, parked by `strictOrder` after a terminal failure. */
  parked: number;
  /** When the oldest unpublished row was added, ms since the epoch; `undefined` when none is. */
  oldestCreatedAt: number | undefined;
}

/** A row parked by `strictOrder`. */
export interface ParkedRow extends OutboxRow {
  /** `CODE: message` of the failure that parked it. */
  error: string;
}

/** A row of the dead-letter table. */
export interface DeadLetterRow extends OutboxRow {
  errorCode: string;
  error: string;
  deadLetteredAt: number;
  /** Where the producer's own `deadLetter` option copied it too, if it did. */
  destination: string | undefined;
}

/** Who holds a relay lease: a relay's own id, and where it runs, so a dead holder can be told. */
export interface LeaseHolder {
  /** Unique per relay (a UUID). */
  owner: string;
  pid: number;
  /** `os.hostname()`. */
  host: string;
}

/**
 * The right to claim rows, held by one relay at a time, for a store that cannot share the work
 * between relays (SQLite). The holder renews it before `durationMs` runs out; the claim returns
 * rows only to the live holder.
 */
export interface RelayLease {
  readonly durationMs: number;
  /** Takes or renews the lease until `now + durationMs`; false while another live relay holds it. */
  acquire(holder: LeaseHolder, now: number): Promise<boolean>;
  /** Gives the lease up, if `owner` still holds it. */
  release(owner: string): Promise<void>;
}

/**
 * A database the outbox lives in. `Tx` is the application's handle on its own transaction
 * (a `DatabaseSync` for SQLite, a `pg` client for PostgreSQL); `insert` writes through it, so
 * the row commits or rolls back with the application's own writes. The relay's side uses a
 * connection of the store's own.
 */
export interface OutboxStore<Tx> {
  readonly name: string;
  /** Whether claims may run side by side (a relay's `concurrency` above 1, or several relays). */
  readonly concurrentClaims: boolean;
  /** Present where only one relay may claim at a time: the relay holds it while it runs. */
  readonly lease?: RelayLease;
  /** Creates the tables and indexes when missing. Idempotent. */
  setup(): Promise<void>;
  insert(tx: Tx, message: StoredOutboxMessage, createdAt: number): Promise<number>;
  /**
   * Writes `messages` through `tx` as `insert` does, in as few statements as the database allows,
   * and gives their `seq`s in the same order: a key's rows keep the order they are given in.
   */
  insertMany(tx: Tx, messages: readonly StoredOutboxMessage[], createdAt: number): Promise<number[]>;
  /**
   * Up to `limit` rows, oldest first, that may be sent now: not parked, not waiting for a retry,
   * and with no earlier row of the same topic and key that is parked, waiting, or held by another
   * relay. Within a batch, rows of one key come in `seq` order. `held`: the seqs of this relay's
   * own batches that are claimed and not settled yet (the one being sent while the next is
   * claimed); they and the later rows of their keys are left out as another relay's would be. A
   * store that locks claimed rows (PostgreSQL) leaves them out anyway. `owner`: the relay's lease
   * id, where the store has a `lease`; no rows come back unless that lease is live.
   */
  claim(limit: number, now: number, held?: ReadonlySet<number>, owner?: string): Promise<ClaimedBatch>;
  backlog(): Promise<OutboxBacklog>;
  deadLetters(limit?: number): Promise<DeadLetterRow[]>;
  /** Rows parked by `strictOrder`, oldest first, with the error that parked them. */
  parked(limit?: number): Promise<ParkedRow[]>;
  /**
   * Releases a parked row: `retry` makes it the next row of its key again, `dead-letter` moves it
   * to the dead-letter table so the key's later rows go on. False when no row `seq` is parked.
   */
  unpark(seq: number, action: "retry" | "dead-letter"): Promise<boolean>;
  /** Resolves when new rows may have been committed, or after `timeoutMs`. Polls where there is no notification. */
  waitForRows(timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Closes the store's own connections (never the application's). */
  close(): Promise<void>;
}
