import { ensureBrokers } from "../index.mjs";

/**
 * vitest global setup for tests that need every broker (the smoke tests): brings up whatever is not
 * running or overridden by environment, including the token-authenticated Pulsar. No teardown: the
 * brokers stay up for the next run.
 */
export default async function setup() {
  await ensureBrokers(["toxiproxy", "postgres", "sqs", "rabbitmq", "kafka", "pulsar", "pulsar-auth"]);
}
