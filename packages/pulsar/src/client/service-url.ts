/** A broker endpoint parsed from `pulsar://host:port` or `pulsar+ssl://host:port`. */
export interface BrokerAddress {
  /** `host:port`, the pool key and what logs show. */
  hostPort: string;
  host: string;
  port: number;
  tls: boolean;
  /** The URL in canonical form, without credentials. */
  url: string;
}

const DEFAULT_PORTS = { pulsar: 6650, "pulsar+ssl": 6651 } as const;

/**
 * Parses a Pulsar service or broker URL. Throws a plain `Error` with a message fit for an
 * `INVALID_CONFIG` error. Only the first host of a multi-host URL is used.
 */
export function parseBrokerUrl(raw: string): BrokerAddress {
  const match = /^(pulsar|pulsar\+ssl):\/\/(?:[^@/]*@)?([^/?#]+)\/?$/.exec(raw.trim());
  if (!match) throw new Error(`"${redactUrl(raw)}" is not a pulsar:// or pulsar+ssl:// URL`);
  const scheme = match[1] as keyof typeof DEFAULT_PORTS;
  const first = (match[2] as string).split(",")[0] as string;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(first);
  const [host, portText] = bracketed ? [bracketed[1] as string, bracketed[2]] : first.split(":");
  const port = portText ? Number(portText) : DEFAULT_PORTS[scheme];
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`"${redactUrl(raw)}" has no valid host and port`);
  }
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { host, port, tls: scheme === "pulsar+ssl", hostPort, url: `${scheme}://${hostPort}` };
}

/** Drops user info from a URL so it can appear in logs and errors. */
export function redactUrl(raw: string): string {
  return raw.replace(/^([a-z+]+:\/\/)[^@/]*@/i, "$1***@");
}
