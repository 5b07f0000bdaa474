import { ensureBrokers } from "../index.mjs";

/**
 * vitest global setup for the kafka project: brings kafka, toxiproxy and postgres (the outbox tests' store) up unless they are running or
 * overridden by environment. No teardown: the brokers stay up for the next run.
 */
export default async function setup() {
  await ensureBrokers(["kafka", "toxiproxy", "postgres"]);
}
