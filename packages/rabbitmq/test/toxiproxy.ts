import { toxiproxyProxy } from "@outbound/contract";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";

/**
 * A toxiproxy proxy in front of RabbitMQ for one test file, so the file can make the broker stop
 * answering its own producers (a `timeout` toxic) without touching anyone else's connections.
 */
export async function createAmqpProxy(label: string): Promise<{
  /** The broker URL for `vhost`, dialled through the proxy. */
  urlFor(vhost: string): string;
  /** Holds every byte from the broker until the returned function is called. */
  stall(): Promise<() => Promise<void>>;
  /** Delays every byte from the broker by `ms` until the returned function is called. */
  latency(ms: number): Promise<() => Promise<void>>;
  remove(): Promise<void>;
}> {
  const broker = new URL(endpoints().amqp);
  const proxy = await toxiproxyProxy({
    api: endpoints().toxiproxy,
    name: `outbound-rabbitmq-${label}-${process.pid}`,
    upstream: `${broker.hostname}:${broker.port || 5672}`,
  });
  return {
    urlFor(vhost) {
      const url = new URL(broker.toString());
      url.host = proxy.listen;
      url.pathname = `/${encodeURIComponent(vhost)}`;
      return url.toString();
    },
    stall: () => proxy.stall("downstream"),
    latency: (ms) => proxy.latency(ms, "downstream"),
    remove: () => proxy.remove().catch(() => undefined),
  };
}
