import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pulsarHealthy } from "../lib/health.mjs";
import { fetchJars, fetchPom } from "../lib/maven.mjs";
import { brokerRunDir, cacheDir } from "../lib/paths.mjs";
import { spawnDetached } from "../lib/process.mjs";

const version = "4.2.4";
const libDir = () => join(cacheDir(), `pulsar-${version}`, "lib");

/**
 * A Pulsar standalone (broker, bookie and metadata store in one JVM) with the WebSocket service on.
 * @param {{ name: "pulsar" | "pulsar-auth", ports: { binary: number, http: number }, auth?: () => PulsarAuth }} options
 * @returns {import("../lib/broker.mjs").Broker}
 */
export function pulsarStandalone({ name, ports, auth }) {
  const dir = brokerRunDir(name);
  const broker = {
    name,
    version,
    ports,
    startTimeoutMs: 240_000,
    log: join(dir, "pulsar.log"),
    dataDirs: [join(dir, "data")],
    fetchesWithMaven: true,
    fetch: fetchPulsar,

    async start() {
      const data = join(dir, "data");
      mkdirSync(data, { recursive: true });
      const config = join(dir, "standalone.conf");
      writeFileSync(config, standaloneConf(ports, auth?.()));
      const log4j = join(dir, "log4j2.properties");
      writeFileSync(log4j, log4jProperties());
      const opens = [
        "java.base/java.io",
        "java.base/java.util.zip",
        "java.base/java.nio",
        "java.base/jdk.internal.misc",
        "java.base/sun.net",
        "java.base/java.lang",
        "java.management/sun.management",
      ].flatMap((module) => ["--add-opens", `${module}=ALL-UNNAMED`]);
      return spawnDetached(
        "java",
        [
          "-Xms512m",
          "-Xmx1g",
          "-XX:MaxDirectMemorySize=1g",
          "-XX:+UseG1GC",
          ...opens,
          "-Dbookkeeper.metadata.bookie.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataBookieDriver",
          "-Dbookkeeper.metadata.client.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataClientDriver",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Djava.net.preferIPv4Stack=true",
          `-Dlog4j2.configurationFile=${log4j}`,
          `-Dpulsar.log.dir=${dir}`,
          "-cp",
          `${libDir()}/*`,
          "org.apache.pulsar.PulsarStandaloneStarter",
          "--config",
          config,
          "-nfw",
          "--metadata-dir",
          join(data, "metadata"),
          "--bookkeeper-dir",
          join(data, "bookkeeper"),
        ],
        { cwd: dir, log: broker.log },
      );
    },

    health: (timeoutMs) =>
      pulsarHealthy(`http://127.0.0.1:${ports.http}`, timeoutMs, auth ? auth().adminToken : undefined),
  };
  return broker;
}

/**
 * Token authentication settings for a standalone: the HS256 secret and the token its own internal
 * clients (namespace creation, the WebSocket proxy) present.
 * @typedef {{ secretKeyBase64: string, adminToken: string }} PulsarAuth
 */

function fetchPulsar(onStart) {
  return fetchJars(
    join(cacheDir(), `pulsar-${version}`),
    fetchPom({
      artifactId: "pulsar-runtime",
      // Pulsar's own BOM: without it Maven's nearest-wins mixes OpenTelemetry versions and the broker
      // dies at start with NoSuchMethodError.
      imports: [`org.apache.pulsar:pulsar:${version}`],
      dependencies: [
        `org.apache.pulsar:pulsar-broker:${version}`,
        "org.apache.logging.log4j:log4j-slf4j2-impl:2.24.3",
      ],
    }),
    onStart,
  );
}

/** The standalone most tests use: no authentication, on the default ports. */
export const pulsar = pulsarStandalone({ name: "pulsar", ports: { binary: 6650, http: 8080 } });

// Never set metadataStoreUrl here: the standalone starter parses it as a ZooKeeper port and dies.
/** @param {{ binary: number, http: number }} ports @param {PulsarAuth} [auth] */
function standaloneConf(ports, auth) {
  const authentication = auth
    ? `authenticationEnabled=true
authenticationProviders=org.apache.pulsar.broker.authentication.AuthenticationProviderToken
tokenSecretKey=data:;base64,${auth.secretKeyBase64}
superUserRoles=admin
brokerClientAuthenticationPlugin=org.apache.pulsar.client.impl.auth.AuthenticationToken
brokerClientAuthenticationParameters=token:${auth.adminToken}
`
    : "";
  return `# Written by tools/brokers on every start; edit tools/brokers/brokers/pulsar.mjs instead.
clusterName=standalone
bindAddress=127.0.0.1
advertisedAddress=127.0.0.1
brokerServicePort=${ports.binary}
webServicePort=${ports.http}
webSocketServiceEnabled=true
loadManagerClassName=org.apache.pulsar.broker.loadbalance.NoopLoadManager
allowLoopback=true
# The starter loads this file into the embedded bookie's configuration too; without an interface the
# bookie listens on every address.
listeningInterface=lo
managedLedgerDefaultEnsembleSize=1
managedLedgerDefaultWriteQuorum=1
managedLedgerDefaultAckQuorum=1
journalSyncData=false
# Acknowledge as soon as the journal queue is empty instead of waiting to group writes: a
# producer awaiting each send waits ~4 ms less per message (measured by packages/pulsar).
journalFlushWhenQueueEmpty=true
dbStorage_writeCacheMaxSizeMb=64
dbStorage_readAheadCacheMaxSizeMb=32
dbStorage_rocksDB_blockCacheSize=33554432
managedLedgerCacheSizeMB=64
# Tests produce, then read back with a fresh reader: keep messages that no subscription holds, and keep
# idle topics (the default deletes them after 60 s without producers or subscriptions).
defaultRetentionTimeInMinutes=120
defaultRetentionSizeInMB=1024
brokerDeleteInactiveTopicsEnabled=false
allowAutoTopicCreation=true
allowAutoTopicCreationType=non-partitioned
topicLevelPoliciesEnabled=true
${authentication}`;
}

function log4jProperties() {
  return `status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5level [%t] %c{1} - %msg%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.bookkeeper.name = org.apache.bookkeeper
logger.bookkeeper.level = warn
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = warn
`;
}
