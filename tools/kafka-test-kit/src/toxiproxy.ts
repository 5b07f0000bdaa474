import net from "node:net";
import tls from "node:tls";
import type { ISocketFactory } from "kafkajs";
import { brokerEndpoints } from "./helpers.js";

/** A kafkajs socket factory that dials the proxy on `listenPort` whatever broker address it is given. */
export function proxiedSocketFactory(listenPort: number): ISocketFactory {
  return ({ ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ ...ssl, host: "127.0.0.1", port: listenPort }, onConnect)
      : net.connect({ host: "127.0.0.1", port: listenPort }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

/**
 * A toxiproxy proxy in front of the real broker. Kafka clients dial the addresses the broker
 * advertises (127.0.0.1:9092), not the bootstrap address, so a proxy only on the bootstrap port
 * would see none of the produce traffic. `socketFactory` sends every kafkajs connection through
 * the proxy instead, which needs no change to the broker's advertised listeners.
 */
export async function kafkaProxy(name: string, listenPort: number, upstream = brokerEndpoints().kafka) {
  const api = brokerEndpoints().toxiproxy;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok && response.status !== 404) {
      throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  };
  await call("DELETE", `/proxies/${name}`);
  await call("POST", "/proxies", { name, listen: `127.0.0.1:${listenPort}`, upstream, enabled: true });

  return {
    socketFactory: proxiedSocketFactory(listenPort),
    /** Closes every connection through the proxy (toxiproxy does so when a proxy is disabled). */
    async dropConnections() {
      await call("POST", `/proxies/${name}`, { enabled: false });
      await call("POST", `/proxies/${name}`, { enabled: true });
    },
    async addToxic(toxic: {
      name: string;
      type: string;
      stream: "upstream" | "downstream";
      attributes: Record<string, number>;
    }) {
      await call("POST", `/proxies/${name}/toxics`, { ...toxic, toxicity: 1 });
    },
    async removeToxic(toxicName: string) {
      await call("DELETE", `/proxies/${name}/toxics/${toxicName}`);
    },
    async remove() {
      await call("DELETE", `/proxies/${name}`);
    },
  };
}
