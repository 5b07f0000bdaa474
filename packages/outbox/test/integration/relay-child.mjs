// A relay in a process of its own, for the crash tests: it runs on the built packages, as an
// application's relay would, and kills itself with SIGKILL the moment the broker acknowledged
// its OUTBOX_KILL_AFTER_ACKS-th message, which lands in the middle of a batch. At its
// OUTBOX_ANNOUNCE_AFTER_ACKS-th it prints "acked", for a test to start another relay beside it.
import { createProducer } from "@outbound/core";
import { createOutbox, postgresStore, sqliteStore } from "@outbound/outbox";

const env = process.env;
const killAfter = Number(env.OUTBOX_KILL_AFTER_ACKS ?? "0");
const announceAfter = Number(env.OUTBOX_ANNOUNCE_AFTER_ACKS ?? "0");
const producer = createProducer({ url: env.OUTBOX_BROKER_URL, acks: "all" });
let acks = 0;
producer.on("ack", () => {
  acks++;
  if (announceAfter > 0 && acks === announceAfter) process.stdout.write("acked\n");
  if (killAfter > 0 && acks === killAfter) process.kill(process.pid, "SIGKILL");
});

let store;
let pool;
if (env.OUTBOX_STORE === "postgres") {
  const { default: pg } = await import("pg");
  pool = new pg.Pool({ connectionString: env.OUTBOX_PG_URL });
  store = postgresStore({ pool, table: env.OUTBOX_TABLE });
} else {
  store = sqliteStore({ path: env.OUTBOX_SQLITE_PATH, table: env.OUTBOX_TABLE });
}
const outbox = createOutbox({ store });
const relay = outbox.relay({
  producer,
  batchSize: Number(env.OUTBOX_BATCH_SIZE ?? "100"),
  prefetch: env.OUTBOX_PREFETCH === "true",
  pollIntervalMs: 20,
});
relay.start();
process.stdout.write("started\n");

// Without a kill, it runs until the backlog is empty, then exits cleanly.
const timer = setInterval(async () => {
  if ((await outbox.backlog()).pending > 0) return;
  clearInterval(timer);
  await relay.stop();
  await producer.close();
  await outbox.close();
  await pool?.end();
  process.stdout.write(`${JSON.stringify(relay.metrics())}\n`);
}, 50);
