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
  const api = endpoints().toxiproxy;
  const broker = new URL(endpoints().amqp);
  const name = `outbound-rabbitmq-${label}-${process.pid}`;
  const created = await request(api, "POST", "/proxies", {
    name,
    listen: "127.0.0.1:0",
    upstream: `${broker.hostname}:${broker.port || 5672}`,
    enabled: true,
  });
  const listen = String((created as { listen: string }).listen);
  return {
    urlFor(vhost) {
      const url = new URL(broker.toString());
      url.host = listen;
      url.pathname = `/${encodeURIComponent(vhost)}`;
      return url.toString();
    },
    async stall() {
      const toxic = `stall-${Date.now()}`;
      // timeout 0: data stops in this direction and the connection stays open until the toxic goes.
      await request(api, "POST", `/proxies/${name}/toxics`, {
        name: toxic,
        type: "timeout",
        stream: "downstream",
        attributes: { timeout: 0 },
      });
      return async () => {
        await request(api, "DELETE", `/proxies/${name}/toxics/${toxic}`).catch(() => undefined);
      };
    },
    async latency(ms) {
      const toxic = `latency-${Date.now()}`;
      await request(api, "POST", `/proxies/${name}/toxics`, {
        name: toxic,
        type: "latency",
        stream: "downstream",
        attributes: { latency: ms },
      });
      return async () => {
        await request(api, "DELETE", `/proxies/${name}/toxics/${toxic}`).catch(() => undefined);
      };
    },
    async remove() {
      await request(api, "DELETE", `/proxies/${name}`).catch(() => undefined);
    },
  };
}

async function request(api: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, api), {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}
