/**
 * @outbound/outbox: the transactional outbox. `outbox.add(tx, message)` writes a message in the
 * application's own database transaction; a relay publishes committed rows through an Outbound
 * producer and removes them once the broker acknowledged them.
 */
export type { OutboxRow, StoredOutboxMessage } from "./message/outbox-message.js";
export { createOutbox, type Outbox, type OutboxEntry, type OutboxOptions } from "./outbox.js";
export { type BatchResult, Relay, type RelayOptions } from "./relay/relay.js";
export type { RelayMetrics } from "./relay/relay-metrics.js";
export { OUTBOX_METRICS, type RelayTelemetryOptions } from "./relay/telemetry-options.js";
export {
  type PgPool,
  type PgPoolClient,
  type PgQueryable,
  type PostgresStoreOptions,
  postgresStore,
} from "./store/postgres.js";
export { type SqliteDatabase, type SqliteStoreOptions, sqliteStore } from "./store/sqlite.js";
export { type SqliteTransactionDatabase, sqliteTransactions } from "./store/sqlite-transactions.js";
export type {
  ClaimedBatch,
  DeadLetterRow,
  LeaseHolder,
  OutboxBacklog,
  OutboxStore,
  ParkedRow,
  RelayLease,
  RowOutcome,
} from "./store/store.js";
