import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sqsHealthy } from "../lib/health.mjs";
import { fetchJars, fetchPom } from "../lib/maven.mjs";
import { brokerRunDir, cacheDir } from "../lib/paths.mjs";
import { spawnDetached } from "../lib/process.mjs";

const version = "1.7.1";
const libDir = () => join(cacheDir(), `elasticmq-${version}`, "lib");

/**
 * SQS through ElasticMQ. It keeps queues in memory, so every start is empty; tests create their own
 * queues with CreateQueue. `sqs-limits = strict` makes it enforce SQS's limits (1 MiB messages, 10
 * entries per batch) instead of accepting anything.
 * @type {import("../lib/broker.mjs").Broker}
 */
export const sqs = {
  name: "sqs",
  version,
  ports: { http: 9324 },
  startTimeoutMs: 120_000,
  log: join(brokerRunDir("sqs"), "elasticmq.log"),
  dataDirs: [],
  fetchesWithMaven: true,

  fetch: (onStart) =>
    fetchJars(
      join(cacheDir(), `elasticmq-${version}`),
      fetchPom({
        artifactId: "elasticmq-runtime",
        dependencies: [`org.elasticmq:elasticmq-server_2.13:${version}`],
      }),
      onStart,
    ),

  async start() {
    const dir = brokerRunDir("sqs");
    mkdirSync(dir, { recursive: true });
    const config = join(dir, "elasticmq.conf");
    const port = sqs.ports.http;
    writeFileSync(
      config,
      `# Written by tools/brokers on every start; edit tools/brokers/brokers/sqs.mjs instead.
include classpath("application.conf")

node-address {
  protocol = http
  host = "127.0.0.1"
  port = ${port}
  context-path = ""
}

rest-sqs {
  enabled = true
  bind-port = ${port}
  bind-hostname = "127.0.0.1"
  sqs-limits = strict
}

rest-stats {
  enabled = false
}

generate-node-address = false

# Defined at boot, so it exists the moment ElasticMQ is up again: the fault matrix's "broker down
# at start" case sends to it while the broker is still starting.
queues {
  "outbound-faults-at-start.fifo" {
    fifo = true
    contentBasedDeduplication = false
  }
}
`,
    );
    return spawnDetached(
      "java",
      ["-Xms64m", "-Xmx256m", `-Dconfig.file=${config}`, "-cp", `${libDir()}/*`, "org.elasticmq.server.Main"],
      { cwd: dir, log: sqs.log },
    );
  },

  health: (timeoutMs) => sqsHealthy(`http://127.0.0.1:${sqs.ports.http}`, timeoutMs),
};
