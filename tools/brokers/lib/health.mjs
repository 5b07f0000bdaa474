import amqplib from "amqplib";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";

/**
 * One real protocol round trip per broker, each bounded by `timeoutMs`: an open port alone says
 * nothing about whether the broker can serve (Pulsar listens long before its namespace exists).
 */

/** Kafka: a metadata request through the admin client; resolves with the broker count. */
export async function kafkaHealthy(bootstrap, timeoutMs = 5000) {
  const kafka = new Kafka({
    clientId: "outbound-brokers-health",
    brokers: [bootstrap],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, "Kafka connect");
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs, "Kafka metadata");
    if (cluster.brokers.length === 0) throw new Error("Kafka metadata lists no broker");
    return cluster.brokers.length;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** RabbitMQ: an AMQP connection handshake, then a clean close. */
export async function amqpHealthy(url, timeoutMs = 5000) {
  const connection = await withTimeout(
    amqplib.connect(url, { timeout: timeoutMs }),
    timeoutMs,
    "AMQP connect",
  );
  await connection.close();
}

/** SQS: ListQueues over the JSON protocol, which ElasticMQ and AWS both speak. */
export async function sqsHealthy(endpoint, timeoutMs = 5000) {
  const response = await httpRequest(endpoint, "SQS ListQueues", timeoutMs, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ListQueues" },
    body: "{}",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ListQueues answered ${response.status}: ${text.slice(0, 200)}`);
}

/**
 * Pulsar: the `public/default` namespace exists. `/admin/v2/clusters` answers `[]` before standalone has
 * created its cluster and namespaces, so it is not a readiness signal.
 */
export async function pulsarHealthy(httpUrl, timeoutMs = 5000, token = undefined) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const response = await httpRequest(
    `${httpUrl}/admin/v2/namespaces/public/default`,
    "Pulsar admin",
    timeoutMs,
    {
      headers,
    },
  );
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`Pulsar admin answered ${response.status} for public/default`);
}

/** PostgreSQL: a connection and `SELECT 1`. */
export async function postgresHealthy(url, timeoutMs = 5000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await withTimeout(client.connect(), timeoutMs, "PostgreSQL connect");
    await withTimeout(client.query("SELECT 1"), timeoutMs, "PostgreSQL SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

/** toxiproxy: its REST API answers `/version`; resolves with the version it reports. */
export async function toxiproxyHealthy(apiUrl, timeoutMs = 5000) {
  const response = await httpRequest(`${apiUrl}/version`, "toxiproxy API", timeoutMs);
  const text = await response.text();
  if (!response.ok) throw new Error(`toxiproxy /version answered ${response.status}`);
  return text.trim();
}

/** fetch with a timeout, and with the socket-level cause in the message instead of "fetch failed". */
async function httpRequest(url, what, timeoutMs, init = {}) {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message;
    throw new Error(`${what} at ${url}: ${cause}`);
  }
}

function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
