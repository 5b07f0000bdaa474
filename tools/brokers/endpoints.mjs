import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "./lib/paths.mjs";

/**
 * Where the tests find each broker: an environment override pointing at an external broker, or the
 * local default that `pnpm brokers up` serves. A set override also tells the global setups not to
 * start that broker here.
 */

/** Environment variable per endpoint; the setups read the same table to know what is external. */
export const overrideVariables = {
  kafka: "OUTBOUND_TEST_KAFKA",
  kafkaSasl: "OUTBOUND_TEST_KAFKA_SASL",
  kafkaOauth: "OUTBOUND_TEST_KAFKA_OAUTH",
  kafkaTls: "OUTBOUND_TEST_KAFKA_TLS",
  kafkaTlsCaFile: "OUTBOUND_TEST_KAFKA_TLS_CA_FILE",
  amqp: "OUTBOUND_TEST_AMQP_URL",
  amqps: "OUTBOUND_TEST_AMQPS_URL",
  amqpsCaFile: "OUTBOUND_TEST_AMQPS_CA_FILE",
  sqs: "OUTBOUND_TEST_SQS_ENDPOINT",
  pulsar: "OUTBOUND_TEST_PULSAR_URL",
  pulsarHttp: "OUTBOUND_TEST_PULSAR_HTTP",
  pulsarAuth: "OUTBOUND_TEST_PULSAR_AUTH_URL",
  pulsarAuthHttp: "OUTBOUND_TEST_PULSAR_AUTH_HTTP",
  pulsarAuthToken: "OUTBOUND_TEST_PULSAR_AUTH_TOKEN",
  toxiproxy: "OUTBOUND_TEST_TOXIPROXY",
  postgres: "OUTBOUND_TEST_POSTGRES_URL",
};

const defaults = () => ({
  kafka: "127.0.0.1:9092",
  kafkaSasl: "127.0.0.1:9094",
  kafkaOauth: "127.0.0.1:9095",
  kafkaTls: "127.0.0.1:9096",
  kafkaTlsCaFile: join(runDir(), "kafka", "tls", "ca.pem"),
  amqp: "amqp://guest:guest@127.0.0.1:5672",
  amqps: "amqps://guest:guest@127.0.0.1:5671",
  amqpsCaFile: join(runDir(), "rabbitmq", "tls", "ca.pem"),
  sqs: "http://127.0.0.1:9324",
  pulsar: "pulsar://127.0.0.1:6650",
  pulsarHttp: "http://127.0.0.1:8080",
  pulsarAuth: "pulsar://127.0.0.1:6652",
  pulsarAuthHttp: "http://127.0.0.1:8082",
  pulsarAuthToken: localPulsarToken(),
  toxiproxy: "http://127.0.0.1:8474",
  postgres: "postgres://outbound@127.0.0.1:5433/postgres",
});

/** @returns {import("./endpoints.d.mts").BrokerEndpoints} */
export function endpoints() {
  /** @type {Record<string, string>} */
  const result = {};
  const fallback = defaults();
  for (const [key, variable] of Object.entries(overrideVariables)) {
    const value = process.env[variable];
    result[key] = value && value.trim() !== "" ? value.trim() : fallback[key];
  }
  return /** @type {import("./endpoints.d.mts").BrokerEndpoints} */ (result);
}

/**
 * The override variables that make a broker external: when any is set, nothing is started locally
 * for that broker.
 */
const brokerVariables = {
  kafka: ["OUTBOUND_TEST_KAFKA"],
  rabbitmq: ["OUTBOUND_TEST_AMQP_URL", "OUTBOUND_TEST_AMQPS_URL"],
  sqs: ["OUTBOUND_TEST_SQS_ENDPOINT"],
  pulsar: ["OUTBOUND_TEST_PULSAR_URL", "OUTBOUND_TEST_PULSAR_HTTP"],
  "pulsar-auth": ["OUTBOUND_TEST_PULSAR_AUTH_URL", "OUTBOUND_TEST_PULSAR_AUTH_HTTP"],
  toxiproxy: ["OUTBOUND_TEST_TOXIPROXY"],
  postgres: ["OUTBOUND_TEST_POSTGRES_URL"],
};

/** @param {import("./endpoints.d.mts").BrokerName} broker */
export function isExternal(broker) {
  return (brokerVariables[broker] ?? []).some((variable) => (process.env[variable] ?? "").trim() !== "");
}

/** The token `up pulsar-auth` signed for tests; "" until that broker has been started once. */
function localPulsarToken() {
  try {
    return readFileSync(join(runDir(), "pulsar-auth", "tokens", "client.token"), "utf8").trim();
  } catch {
    return "";
  }
}
