import type { ConnectionOptions as TlsOptions } from "node:tls";
import { OutboundError } from "@outbound/core";
import { apiVersionsV3, Connection, type SASLOptions, type Writer } from "@platformatic/kafka";

/** How to open a connection to any broker of the cluster. */
export interface ConnectionSettings {
  clientId: string;
  connectTimeoutMs: number;
  /** Any request without an answer this long closes the connection, as the Java client does. */
  requestTimeoutMs: number;
  tls: TlsOptions | undefined;
  sasl: SASLOptions | undefined;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** One of the client's API implementations: `api(connection, ...args, callback)`. */
interface ClientApi {
  key: number;
  version: number;
  async: (connection: Connection, ...args: never[]) => Promise<unknown>;
}

/** Versions this client implements of one API, newest first. */
export type ApiChoices = readonly ClientApi[];

/** The broker's [min, max] version per API key, from ApiVersions. */
type VersionRanges = Map<number, readonly [number, number]>;

const SOFTWARE_NAME = "outbound-kafka";
const SOFTWARE_VERSION = "0.2.0";

/**
 * A connection to one broker, over the client's `Connection` (TCP or TLS, SASL, request framing,
 * timeouts). It learns the broker's API versions once, right after connecting, so each request
 * is sent at the newest version both sides speak.
 */
export class BrokerConnection {
  readonly #connection: Connection;
  readonly #ranges: VersionRanges;
  #closed = false;
  readonly #onClose: (() => void)[] = [];

  private constructor(
    readonly address: BrokerAddress,
    readonly nodeId: number | undefined,
    connection: Connection,
    ranges: VersionRanges,
  ) {
    this.#connection = connection;
    this.#ranges = ranges;
    const closed = () => this.#markClosed();
    connection.once("close", closed);
    // A socket error is followed by close; until then no new request may start on it.
    connection.on("error", closed);
  }

  /**
   * Connects, authenticates and asks for the broker's API versions. Rejects with the client's
   * error, or at once when `closing` aborts: a broker that accepts and never answers would
   * otherwise hold the transport's close() for the whole connect timeout.
   */
  static async open(
    address: BrokerAddress,
    nodeId: number | undefined,
    settings: ConnectionSettings,
    closing?: AbortSignal,
  ): Promise<BrokerConnection> {
    const connection = new Connection(settings.clientId, {
      connectTimeout: settings.connectTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // The sender limits produce requests per connection itself; this only must not be lower.
      maxInflights: 64,
      ...(settings.tls ? { tls: settings.tls } : {}),
      ...(settings.sasl ? { sasl: settings.sasl } : {}),
    });
    // Errors after the connection is up are reported through requests and "close".
    connection.on("error", () => undefined);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new OutboundError("CLOSED", "transport is closed", { transport: "kafka" }));
      if (closing?.aborted) onAbort();
      else closing?.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([connection.connect(address.host, address.port), aborted]);
      const answer = (await Promise.race([
        apiVersionsV3.api.async(connection, SOFTWARE_NAME, SOFTWARE_VERSION),
        aborted,
      ])) as {
        apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
      };
      const ranges: VersionRanges = new Map();
      for (const { apiKey, minVersion, maxVersion } of answer.apiKeys)
        ranges.set(apiKey, [minVersion, maxVersion]);
      return new BrokerConnection(address, nodeId, connection, ranges);
    } catch (error) {
      connection.socket?.destroy();
      await connection.close().catch(() => undefined);
      throw error;
    } finally {
      if (onAbort) closing?.removeEventListener("abort", onAbort);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `listener` once when the connection closes for any reason. */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.push(listener);
  }

  /** The newest of `choices` the broker accepts, or undefined when none is. */
  choose(choices: ApiChoices): ClientApi | undefined {
    const range = this.#ranges.get(choices[0]!.key);
    if (!range) return undefined;
    return choices.find((api) => api.version >= range[0] && api.version <= range[1]);
  }

  /** The newest version of API `key` within [min, max] the broker accepts. */
  version(key: number, min: number, max: number): number | undefined {
    const range = this.#ranges.get(key);
    if (!range) return undefined;
    const best = Math.min(max, range[1]);
    return best >= Math.max(min, range[0]) ? best : undefined;
  }

  /** Calls one of the client's APIs at the newest version both sides speak. */
  call<T>(choices: ApiChoices, ...args: unknown[]): Promise<T> {
    const api = this.choose(choices);
    if (!api) {
      return Promise.reject(
        new Error(
          `broker ${this.address.host}:${this.address.port} supports no version of API ${choices[0]!.key} this client speaks`,
        ),
      );
    }
    return api.async(this.#connection, ...(args as never[])) as Promise<T>;
  }

  /**
   * Sends a request built outside the client (the Produce request), at `version`. The callback
   * gets the client's parsed response, or its error (a ResponseError still carries the response).
   */
  send<T>(
    apiKey: number,
    version: number,
    payload: Writer,
    parse: (correlationId: number, apiKey: number, apiVersion: number, reader: never) => T,
    flexible: boolean,
    callback: (error: Error | null, response: T | undefined) => void,
  ): void {
    this.#connection.send(
      apiKey,
      version,
      () => payload,
      parse as never,
      flexible,
      flexible,
      callback as never,
    );
  }

  /** Closes the socket at once: requests still waiting fail with a network error. */
  destroy(): void {
    this.#markClosed();
    this.#connection.socket?.destroy();
  }

  async close(): Promise<void> {
    this.#markClosed();
    await this.#connection.close().catch(() => undefined);
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#onClose.splice(0)) listener();
  }
}
