import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kafkaHealthy } from "../lib/health.mjs";
import { fetchJars, fetchPom } from "../lib/maven.mjs";
import { brokerRunDir, cacheDir } from "../lib/paths.mjs";
import { run, spawnDetached } from "../lib/process.mjs";
import { ensureTlsFiles } from "../lib/tls.mjs";

const version = "4.4.0";
const log4jVersion = "2.24.3";

/**
 * Test-only SASL user, created in the cluster metadata at format time so SCRAM works from the first
 * start. Documented in docs/testing.md; never used outside this machine's loopback listener.
 */
export const kafkaSaslUser = { username: "outbound", password: "outbound-secret" };

/** Where the Kafka jars (broker, clients and kafka-tools) live, for Java programs run beside the broker. */
export function kafkaLibDir() {
  return join(cacheDir(), `kafka-${version}`, "lib");
}

/** @type {import("../lib/broker.mjs").Broker} */
export const kafka = {
  name: "kafka",
  version,
  ports: { plaintext: 9092, controller: 9093, sasl: 9094, oauth: 9095, ssl: 9096 },
  startTimeoutMs: 240_000,
  log: join(brokerRunDir("kafka"), "kafka.log"),
  dataDirs: [join(brokerRunDir("kafka"), "data")],

  fetchesWithMaven: true,

  async fetch(onStart) {
    return fetchJars(
      join(cacheDir(), `kafka-${version}`),
      fetchPom({
        artifactId: "kafka-runtime",
        dependencies: [
          `org.apache.kafka:kafka_2.13:${version}`,
          // CLI tools and ProducerPerformance, for Java cross-checks against the same lib/ dir.
          `org.apache.kafka:kafka-tools:${version}`,
          // Kafka 4.4 logs through slf4j 1.7; this binding routes it to log4j2.
          `org.apache.logging.log4j:log4j-slf4j-impl:${log4jVersion}`,
        ],
      }),
      onStart,
    );
  },

  async start() {
    const dir = brokerRunDir("kafka");
    const data = join(dir, "data");
    mkdirSync(dir, { recursive: true });
    const properties = join(dir, "server.properties");
    writeFileSync(properties, serverProperties(data, await kafkaKeystore()));
    const log4j = join(dir, "log4j2.properties");
    writeFileSync(log4j, log4jProperties());
    const java = (main, args) => [
      `-Dlog4j2.configurationFile=${log4j}`,
      "-cp",
      `${kafkaLibDir()}/*`,
      main,
      ...args,
    ];

    // A log dir formatted for another cluster id refuses to start, so format only an empty one.
    if (!existsSync(join(data, "meta.properties"))) {
      const clusterId = (await run("java", java("kafka.tools.StorageTool", ["random-uuid"])))
        .trim()
        .split("\n")
        .pop();
      const { username, password } = kafkaSaslUser;
      await run(
        "java",
        java("kafka.tools.StorageTool", [
          "format",
          "-t",
          clusterId,
          "-c",
          properties,
          "--add-scram",
          `SCRAM-SHA-256=[name=${username},password=${password}]`,
          "--add-scram",
          `SCRAM-SHA-512=[name=${username},password=${password}]`,
        ]),
        { log: this.log },
      );
    }
    return spawnDetached(
      "java",
      [
        "-Xms512m",
        "-Xmx1g",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        ...java("kafka.Kafka", [properties]),
      ],
      { cwd: dir, log: this.log },
    );
  },

  health: (timeoutMs) => kafkaHealthy(`127.0.0.1:${kafka.ports.plaintext}`, timeoutMs),
};

/** The PEM CA tests trust for the SSL listener (endpoints().kafkaTlsCaFile). */
export function kafkaTlsDir() {
  return join(brokerRunDir("kafka"), "tls");
}

/**
 * A PEM keystore (PKCS#8 key, then the certificate) for the SSL listener, signed by the test CA:
 * Kafka reads PEM keystores directly since 2.7 (KIP-651).
 */
async function kafkaKeystore() {
  const tls = await ensureTlsFiles(kafkaTlsDir());
  const keystore = join(kafkaTlsDir(), "keystore.pem");
  writeFileSync(keystore, `${readFileSync(tls.key, "utf8")}${readFileSync(tls.cert, "utf8")}`);
  return keystore;
}

/** Topic and internal-topic settings of a one-broker cluster, shared with its container image. */
export const SINGLE_NODE_SETTINGS = `num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.segment.bytes=67108864
log.retention.hours=24`;

function serverProperties(data, keystore) {
  const { username, password } = kafkaSaslUser;
  const { plaintext, controller, sasl, oauth, ssl } = kafka.ports;
  return `# Written by tools/brokers on every start; edit tools/brokers/brokers/kafka.mjs instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller}
listeners=PLAINTEXT://127.0.0.1:${plaintext},CONTROLLER://127.0.0.1:${controller},SASL_PLAINTEXT://127.0.0.1:${sasl},SASL_OAUTH://127.0.0.1:${oauth},SSL://127.0.0.1:${ssl}
advertised.listeners=PLAINTEXT://127.0.0.1:${plaintext},SASL_PLAINTEXT://127.0.0.1:${sasl},SASL_OAUTH://127.0.0.1:${oauth},SSL://127.0.0.1:${ssl}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_OAUTH:SASL_PLAINTEXT,SSL:SSL
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${username}="${password}";
# OAUTHBEARER with Kafka's unsecured JWT validator (alg "none" tokens): test-only, loopback only.
listener.name.sasl_oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.sasl_oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
# TLS with a certificate for localhost and 127.0.0.1 signed by the test CA; no client certificates.
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=${keystore}
listener.name.ssl.ssl.client.auth=none
log.dirs=${data}
${SINGLE_NODE_SETTINGS}
`;
}

function log4jProperties() {
  return `status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
`;
}
