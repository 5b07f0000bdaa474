import {
  type OutboundMessage,
  resolveSerializer,
  type Serializer,
  type SerializerSpec,
} from "@outbound/core";
import type { StoredOutboxMessage } from "./message/outbox-message.js";
import { readOutboxMessage } from "./message/read-message.js";
import { Relay, type RelayOptions } from "./relay/relay.js";
import type { DeadLetterRow, OutboxBacklog, OutboxStore, ParkedRow } from "./store/store.js";

export interface OutboxOptions<Tx> {
  /** Where rows live: `sqliteStore(...)` or `postgresStore(...)`. */
  store: OutboxStore<Tx>;
  /** How values become bytes, as the producer's `serializer` option. Default `"json"`. */
  serializer?: SerializerSpec;
}

/** What `add()` wrote. */
export interface OutboxEntry {
  /** The message `id` the relay will send, to deduplicate on. */
  id: string;
  /** The row's position in the table. */
  seq: number;
}

export interface Outbox<Tx> {
  /** Creates the outbox and dead-letter tables if they are missing. Idempotent. */
  setup(): Promise<void>;
  /**
   * Writes the message into the outbox inside the application's transaction `tx`: it is
   * published if and only if that transaction commits. The value is serialized now, so a bad
   * message rejects here with `INVALID_MESSAGE` (or `SERIALIZATION_FAILED`) and nothing is
   * written. Without an `id`, one is made (a UUID) and sent as the message's `id`.
   */
  add<V = unknown>(tx: Tx, message: OutboundMessage<V>): Promise<OutboxEntry>;
  /**
   * `add()` for many messages at once, in the same transaction `tx`: every value is serialized
   * first, so one bad message rejects the call and nothing is written; then the rows go in with
   * one multi-row INSERT on PostgreSQL (one round trip instead of one per message) and one
   * synchronous step on SQLite. The entries come back in the messages' order, and rows of one key
   * are published in that order.
   */
  addMany<V = unknown>(tx: Tx, messages: readonly OutboundMessage<V>[]): Promise<OutboxEntry[]>;
  /** A relay over this outbox; call `start()` on it. */
  relay(options: RelayOptions): Relay;
  backlog(): Promise<OutboxBacklog>;
  /** Rows moved out of the outbox after a terminal failure, oldest first. */
  deadLetters(limit?: number): Promise<DeadLetterRow[]>;
  /** Rows parked by `strictOrder` after a terminal failure; their keys wait. */
  parked(limit?: number): Promise<ParkedRow[]>;
  /**
   * Lets a parked row's key go on: `retry` sends it again (after you fixed the cause),
   * `dead-letter` moves it to the dead-letter table. False when row `seq` is not parked.
   */
  unpark(seq: number, action: "retry" | "dead-letter"): Promise<boolean>;
  /** Closes the store's own connections. Stop relays first. */
  close(): Promise<void>;
}

/** The outbox over one store. */
export function createOutbox<Tx>(options: OutboxOptions<Tx>): Outbox<Tx> {
  const store = options.store;
  const serializer: Serializer = resolveSerializer(options.serializer ?? "json");
  return {
    setup: () => store.setup(),
    async add(tx, message) {
      const stored = await readOutboxMessage(message, serializer);
      const seq = await store.insert(tx, stored, Date.now());
      return { id: stored.id, seq };
    },
    async addMany(tx, messages) {
      const stored: StoredOutboxMessage[] = [];
      for (const message of messages) stored.push(await readOutboxMessage(message, serializer));
      if (stored.length === 0) return [];
      const seqs = await store.insertMany(tx, stored, Date.now());
      return stored.map((m, i) => ({ id: m.id, seq: seqs[i]! }));
    },
    relay: (relayOptions) => new Relay(store as OutboxStore<unknown>, relayOptions),
    backlog: () => store.backlog(),
    deadLetters: (limit) => store.deadLetters(limit),
    parked: (limit) => store.parked(limit),
    unpark: (seq, action) => store.unpark(seq, action),
    close: () => store.close(),
  };
}
