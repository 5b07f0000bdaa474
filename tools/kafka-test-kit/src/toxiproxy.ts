import net from "node:net";
import tls from "node:tls";
import { toxiproxyProxy } from "@outbound/contract";
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
  const proxy = await toxiproxyProxy({
    api: brokerEndpoints().toxiproxy,
    name,
    upstream,
    listen: `127.0.0.1:${listenPort}`,
  });
  return { ...proxy, socketFactory: proxiedSocketFactory(listenPort) };
}
