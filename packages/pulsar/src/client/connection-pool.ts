import type { OutboundError } from "@outbound/core";
import { pulsarError } from "../errors.js";
import { Connection, type ConnectionSettings } from "./connection.js";
import type { BrokerAddress } from "./service-url.js";

/** Settings shared by every connection; addresses come per call. */
export type PoolSettings = Omit<ConnectionSettings, "physical" | "logical">;

/**
 * One connection per broker (and per proxy route), shared by lookups and producers. A closed
 * connection leaves the pool, so the next caller dials again.
 */
export class ConnectionPool {
  private readonly settings: PoolSettings;
  private readonly connections = new Map<string, Promise<Connection>>();
  /** Connections still dialling: close() ends them, not waits out their connect timeout. */
  private readonly dialing = new Set<Connection>();
  private closed = false;

  constructor(settings: PoolSettings) {
    this.settings = settings;
  }

  /** The open connection to `logical` through `physical`, dialing it when there is none. */
  get(logical: BrokerAddress, physical: BrokerAddress = logical): Promise<Connection> {
    if (this.closed) return Promise.reject(pulsarError("CLOSED", "the client is closed"));
    const key = `${logical.url}|${physical.url}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const connection = new Connection({ ...this.settings, logical, physical });
    this.dialing.add(connection);
    const opening = connection.open().then(
      () => {
        this.dialing.delete(connection);
        connection.onClose(() => this.forget(key, opening));
        if (this.closed) connection.close();
        return connection;
      },
      (error: OutboundError) => {
        this.dialing.delete(connection);
        this.forget(key, opening);
        throw error;
      },
    );
    this.connections.set(key, opening);
    return opening;
  }

  private forget(key: string, entry: Promise<Connection>): void {
    if (this.connections.get(key) === entry) this.connections.delete(key);
  }

  /** Closes every connection; producers on them see `onConnectionLost`. */
  async close(): Promise<void> {
    this.closed = true;
    // A broker that accepts and never answers would hold close() for the connect timeout.
    for (const connection of this.dialing) connection.close();
    const all = [...this.connections.values()];
    this.connections.clear();
    const settled = await Promise.allSettled(all);
    for (const result of settled) if (result.status === "fulfilled") result.value.close();
  }
}
