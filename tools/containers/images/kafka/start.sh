#!/bin/sh
# Writes server.properties from the environment, formats an empty data dir, then execs Kafka
# (as PID 1, so `docker kill --signal` reaches the JVM itself).
#   KAFKA_NODE_ID                          node.id (1)
#   KAFKA_CLUSTER_ID                       cluster id for a first format (a random one otherwise)
#   KAFKA_CONTROLLER_QUORUM_VOTERS         controller.quorum.voters (id@localhost:9093)
#   KAFKA_LISTENERS                        listeners (PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093)
#   KAFKA_ADVERTISED_LISTENERS             advertised.listeners (PLAINTEXT://127.0.0.1:9092): the
#                                          host-mapped address clients dial, fixed before start
#   KAFKA_LISTENER_SECURITY_PROTOCOL_MAP   (PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT)
#   KAFKA_INTER_BROKER_LISTENER_NAME       (PLAINTEXT)
#   KAFKA_CONTROLLER_LISTENER_NAMES        (CONTROLLER)
#   KAFKA_PROPERTIES                       more server.properties lines, appended (the last one wins)
#   KAFKA_FORMAT_ARGS                      more StorageTool format arguments (e.g. --add-scram ...)
#   KAFKA_HEAP_OPTS                        (-Xms256m -Xmx512m)
set -eu
set -f # KAFKA_FORMAT_ARGS holds brackets, which must not glob
id="${KAFKA_NODE_ID:-1}"
conf=/etc/kafka/server.properties
data=/var/lib/kafka/data
cp="/opt/kafka/lib/*"
log4j="-Dlog4j2.configurationFile=/opt/kafka/log4j2.properties"
{
  echo "process.roles=broker,controller"
  echo "node.id=$id"
  echo "controller.quorum.voters=${KAFKA_CONTROLLER_QUORUM_VOTERS:-$id@localhost:9093}"
  echo "listeners=${KAFKA_LISTENERS:-PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093}"
  echo "advertised.listeners=${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://127.0.0.1:9092}"
  echo "listener.security.protocol.map=${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:-PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT}"
  echo "inter.broker.listener.name=${KAFKA_INTER_BROKER_LISTENER_NAME:-PLAINTEXT}"
  echo "controller.listener.names=${KAFKA_CONTROLLER_LISTENER_NAMES:-CONTROLLER}"
  echo "log.dirs=$data"
  printf '%s\n' "${KAFKA_PROPERTIES:-}"
} >"$conf"
if [ ! -f "$data/meta.properties" ]; then
  cluster="${KAFKA_CLUSTER_ID:-}"
  if [ -z "$cluster" ]; then
    cluster="$(java "$log4j" -cp "$cp" kafka.tools.StorageTool random-uuid | tail -n 1)"
  fi
  # shellcheck disable=SC2086
  java "$log4j" -cp "$cp" kafka.tools.StorageTool format -t "$cluster" -c "$conf" ${KAFKA_FORMAT_ARGS:-}
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true "$log4j" \
  -cp "$cp" kafka.Kafka "$conf"
