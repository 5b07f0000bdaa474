import { endpoints } from "@outbound/brokers-tool/endpoints";
import { toxiproxyProxy } from "@outbound/contract";

/** A toxiproxy proxy in front of the test SQS server, so tests can cut or stall the producer's HTTP traffic. */
export interface SqsProxy {
  /** The endpoint a transport dials to go through the proxy. */
  endpoint: string;
  /** Closes every connection through the proxy. */
  dropConnections(): Promise<void>;
  /** Holds every request until the returned function is called. */
  stall(): Promise<() => Promise<void>>;
  remove(): Promise<void>;
}

/** Creates (or re-creates) the proxy `name` on 127.0.0.1:`listenPort` in front of the SQS endpoint. */
export async function sqsProxy(name: string, listenPort: number): Promise<SqsProxy> {
  const proxy = await toxiproxyProxy({
    api: endpoints().toxiproxy,
    name,
    upstream: new URL(endpoints().sqs).host,
    listen: `127.0.0.1:${listenPort}`,
  });
  return {
    endpoint: `http://${proxy.listen}`,
    dropConnections: () => proxy.dropConnections(),
    // Upstream: the request never reaches the server, so nothing is stored behind the stall.
    stall: () => proxy.stall("upstream"),
    remove: () => proxy.remove(),
  };
}
