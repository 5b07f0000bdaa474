/** The two SQL dialects the stores speak, by the column types they need. */
interface Dialect {
  sequence: string;
  bytes: string;
  bigint: string;
  flag: string;
}

const DIALECTS: Record<"sqlite" | "postgres", Dialect> = {
  sqlite: {
    sequence: "INTEGER PRIMARY KEY AUTOINCREMENT",
    bytes: "BLOB",
    bigint: "INTEGER",
    flag: "INTEGER",
  },
  postgres: { sequence: "BIGSERIAL PRIMARY KEY", bytes: "BYTEA", bigint: "BIGINT", flag: "BOOLEAN" },
};

/**
 * The outbox table, its index, and the dead-letter table, in one dialect: the same columns in
 * both stores, so one row decoder reads either (see row-columns.ts). Idempotent.
 */
export function outboxTablesDdl(table: string, dialect: "sqlite" | "postgres"): string {
  const t = DIALECTS[dialect];
  const message = `
  topic TEXT NOT NULL,
  key ${t.bytes},
  headers TEXT NOT NULL,
  value ${t.bytes} NOT NULL,
  content_type TEXT NOT NULL,
  message_id TEXT NOT NULL,
  "partition" INTEGER,
  "timestamp" ${t.bigint},
  delay_ms ${t.bigint},
  created_at ${t.bigint} NOT NULL`;
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  seq ${t.sequence},${message},
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at ${t.bigint} NOT NULL DEFAULT 0,
  parked ${t.flag} NOT NULL DEFAULT ${dialect === "sqlite" ? "0" : "false"},
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS ${table}_by_key ON ${table} (topic, key, seq);
CREATE TABLE IF NOT EXISTS ${table}_dead_letter (
  seq ${t.bigint} PRIMARY KEY,${message},
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error TEXT NOT NULL,
  destination TEXT,
  dead_lettered_at ${t.bigint} NOT NULL
);`;
}
