import { endpoints } from "@outbound/brokers-tool/endpoints";

/** A toxiproxy proxy in front of the test SQS server, so tests can cut or stall the producer's HTTP traffic. */
export interface SqsProxy {
  /** The endpoint a transport dials to go through the proxy. */
  endpoint: string;
  /** Closes every connection through the proxy (toxiproxy does so when a proxy is disabled). */
  dropConnections(): Promise<void>;
  /** Holds all traffic until the returned function is called. */
  stall(): Promise<() => Promise<void>>;
  remove(): Promise<void>;
}

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${endpoints().toxiproxy}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
  }
}

/** Creates (or re-creates) the proxy `name` on 127.0.0.1:`listenPort` in front of the SQS endpoint. */
export async function sqsProxy(name: string, listenPort: number): Promise<SqsProxy> {
  const upstream = new URL(endpoints().sqs).host;
  await call("DELETE", `/proxies/${name}`);
  await call("POST", "/proxies", { name, listen: `127.0.0.1:${listenPort}`, upstream, enabled: true });
  return {
    endpoint: `http://127.0.0.1:${listenPort}`,
    async dropConnections() {
      await call("POST", `/proxies/${name}`, { enabled: false });
      await call("POST", `/proxies/${name}`, { enabled: true });
    },
    async stall() {
      // A `timeout` toxic with timeout 0 holds the data and never closes the connection.
      await call("POST", `/proxies/${name}/toxics`, {
        name: "stall",
        type: "timeout",
        stream: "upstream",
        toxicity: 1,
        attributes: { timeout: 0 },
      });
      return () => call("DELETE", `/proxies/${name}/toxics/stall`);
    },
    remove: () => call("DELETE", `/proxies/${name}`),
  };
}
