#!/bin/sh
# ElasticMQ on ELASTICMQ_PORT (9324) inside the container; queue URLs name ELASTICMQ_ADVERTISED_PORT
# (the host-mapped port, default the same). Queues are in memory: every start is empty, as natively.
set -eu
port="${ELASTICMQ_PORT:-9324}"
cat >/opt/elasticmq/elasticmq.conf <<CONF
include classpath("application.conf")
node-address {
  protocol = http
  host = "127.0.0.1"
  port = ${ELASTICMQ_ADVERTISED_PORT:-$port}
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = $port
  bind-hostname = "0.0.0.0"
  sqs-limits = strict
}
rest-stats { enabled = false }
generate-node-address = false
queues {
  "outbound-faults-at-start.fifo" {
    fifo = true
    contentBasedDeduplication = false
  }
}
CONF
# shellcheck disable=SC2086
exec java ${ELASTICMQ_HEAP_OPTS:--Xms64m -Xmx256m} -Dconfig.file=/opt/elasticmq/elasticmq.conf \
  -cp "/opt/elasticmq/lib/*" org.elasticmq.server.Main
