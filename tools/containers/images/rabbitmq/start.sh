#!/bin/sh
# RabbitMQ with guest/guest allowed from outside the container (clients arrive through the port
# mapping, not loopback). AMQPS on 5671 when /etc/rabbitmq/tls holds ca.pem, server.pem and server.key.
set -eu
conf=/etc/rabbitmq/rabbitmq.conf
{
  echo "listeners.tcp.default = 5672"
  echo "loopback_users.guest = false"
  if [ -f /etc/rabbitmq/tls/server.pem ]; then
    echo "listeners.ssl.default = 5671"
    echo "ssl_options.cacertfile = /etc/rabbitmq/tls/ca.pem"
    echo "ssl_options.certfile = /etc/rabbitmq/tls/server.pem"
    echo "ssl_options.keyfile = /etc/rabbitmq/tls/server.key"
    echo "ssl_options.verify = verify_none"
    echo "ssl_options.fail_if_no_peer_cert = false"
  fi
  printf '%s\n' "${RABBITMQ_CONF:-}"
} >"$conf"
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
export RABBITMQ_CONFIG_FILE="$conf"
# Debian's wrapper runs the node as the rabbitmq user; its output goes to the container log.
export RABBITMQ_LOGS=-
exec /usr/sbin/rabbitmq-server
