/** A toxic as toxiproxy's HTTP API takes it. */
export interface Toxic {
  name: string;
  type: string;
  /** `upstream` is what the client sends, `downstream` what the broker answers. */
  stream: "upstream" | "downstream";
  attributes: Record<string, number>;
  /** The share of connections it applies to; 1 unless given. */
  toxicity?: number;
}

/** One toxiproxy proxy in front of a broker, for fault tests that must reach only their own connections. */
export interface ToxiproxyProxy {
  readonly name: string;
  /** `host:port` that clients dial to go through the proxy. */
  readonly listen: string;
  /** Closes every connection through the proxy (toxiproxy does so when a proxy is disabled), then lets new ones in. */
  dropConnections(): Promise<void>;
  addToxic(toxic: Toxic): Promise<void>;
  /** Removes a toxic; one that is already gone is not an error. */
  removeToxic(name: string): Promise<void>;
  /**
   * Holds every byte on `stream` (a `timeout` toxic with timeout 0: nothing passes, and the
   * connection stays open) until the returned function is called.
   */
  stall(stream?: Toxic["stream"]): Promise<() => Promise<void>>;
  /** Delays every byte on `stream` by `ms` until the returned function is called. */
  latency(ms: number, stream?: Toxic["stream"]): Promise<() => Promise<void>>;
  remove(): Promise<void>;
}

export interface ToxiproxyProxyOptions {
  /** The toxiproxy API, e.g. `http://127.0.0.1:8474`. */
  api: string;
  /** A proxy of this name left by an earlier run is replaced. */
  name: string;
  /** `host:port` of the broker. */
  upstream: string;
  /** `host:port` to listen on; `127.0.0.1:0` (any free port) unless given. */
  listen?: string;
}

/** Creates (or re-creates) a toxiproxy proxy and returns its controls. */
export async function toxiproxyProxy(options: ToxiproxyProxyOptions): Promise<ToxiproxyProxy> {
  const { api, name, upstream } = options;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(new URL(path, api), {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // 404 on a DELETE means it is already gone, which is what the caller wanted.
    if (response.status === 404 && method === "DELETE") return undefined;
    if (!response.ok) {
      throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
    }
    const text = await response.text();
    return text === "" ? undefined : JSON.parse(text);
  };
  const proxyPath = `/proxies/${encodeURIComponent(name)}`;
  await call("DELETE", proxyPath);
  const created = (await call("POST", "/proxies", {
    name,
    listen: options.listen ?? "127.0.0.1:0",
    upstream,
    enabled: true,
  })) as { listen?: string } | undefined;
  const listen = created?.listen ?? options.listen ?? "";
  let toxics = 0;

  const addToxic = async (toxic: Toxic) => {
    await call("POST", `${proxyPath}/toxics`, { toxicity: 1, ...toxic });
  };
  const removeToxic = async (toxicName: string) => {
    await call("DELETE", `${proxyPath}/toxics/${encodeURIComponent(toxicName)}`);
  };
  /** Adds a toxic and returns the function that removes it, once. */
  const held = async (type: string, stream: Toxic["stream"], attributes: Record<string, number>) => {
    const toxicName = `${type}-${++toxics}`;
    await addToxic({ name: toxicName, type, stream, attributes });
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await removeToxic(toxicName);
    };
  };

  return {
    name,
    listen,
    async dropConnections() {
      await call("POST", proxyPath, { enabled: false });
      await call("POST", proxyPath, { enabled: true });
    },
    addToxic,
    removeToxic,
    stall: (stream = "downstream") => held("timeout", stream, { timeout: 0 }),
    latency: (ms, stream = "downstream") => held("latency", stream, { latency: ms }),
    remove: () => call("DELETE", proxyPath).then(() => undefined),
  };
}
