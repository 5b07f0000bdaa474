#!/bin/sh
# Pulsar standalone. It advertises 127.0.0.1:PULSAR_BROKER_PORT / PULSAR_WEB_PORT (6650/8080) and
# listens on the same ports inside the container, so map host port N to container port N: lookups
# then answer with the address the client dials, and the broker's own internal clients reach it too.
set -eu
conf=/opt/pulsar/standalone.conf
cat >"$conf" <<CONF
clusterName=standalone
bindAddress=0.0.0.0
advertisedAddress=127.0.0.1
brokerServicePort=${PULSAR_BROKER_PORT:-6650}
webServicePort=${PULSAR_WEB_PORT:-8080}
webSocketServiceEnabled=true
loadManagerClassName=org.apache.pulsar.broker.loadbalance.NoopLoadManager
allowLoopback=true
listeningInterface=lo
managedLedgerDefaultEnsembleSize=1
managedLedgerDefaultWriteQuorum=1
managedLedgerDefaultAckQuorum=1
journalSyncData=false
journalFlushWhenQueueEmpty=true
dbStorage_writeCacheMaxSizeMb=64
dbStorage_readAheadCacheMaxSizeMb=32
dbStorage_rocksDB_blockCacheSize=33554432
managedLedgerCacheSizeMB=64
defaultRetentionTimeInMinutes=120
defaultRetentionSizeInMB=1024
brokerDeleteInactiveTopicsEnabled=false
allowAutoTopicCreation=true
allowAutoTopicCreationType=non-partitioned
topicLevelPoliciesEnabled=true
${PULSAR_PROPERTIES:-}
CONF
opens=""
for m in java.base/java.io java.base/java.util.zip java.base/java.nio java.base/jdk.internal.misc \
  java.base/sun.net java.base/java.lang java.management/sun.management; do
  opens="$opens --add-opens $m=ALL-UNNAMED"
done
# shellcheck disable=SC2086
exec java ${PULSAR_HEAP_OPTS:--Xms512m -Xmx1g -XX:MaxDirectMemorySize=1g} -XX:+UseG1GC $opens \
  -Dbookkeeper.metadata.bookie.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataBookieDriver \
  -Dbookkeeper.metadata.client.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataClientDriver \
  -Dio.netty.tryReflectionSetAccessible=true -Djava.net.preferIPv4Stack=true \
  -Dlog4j2.configurationFile=/opt/pulsar/log4j2.properties -Dpulsar.log.dir=/var/lib/pulsar \
  -cp "/opt/pulsar/lib/*" org.apache.pulsar.PulsarStandaloneStarter --config "$conf" -nfw \
  --metadata-dir /var/lib/pulsar/metadata --bookkeeper-dir /var/lib/pulsar/bookkeeper
