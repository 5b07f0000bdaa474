import type { Headers } from "../message/index.js";

export interface SerializeContext {
  topic: string;
  /**
   * The message's outgoing headers. A serializer may add to them (for example the Protobuf
   * message name); it must not remove the user's.
   */
  headers: Headers;
}

/**
 * A schema a broker with a registry of its own can enforce (Pulsar stores it when the producer
 * declares it). The shape is Pulsar's `Schema` command field, which no other broker needs yet.
 */
export interface SchemaDeclaration {
  /** Pulsar's schema type name: `AVRO`, `PROTOBUF_NATIVE`, `JSON`, ... */
  type: string;
  /** The record or message's fully qualified name. */
  name: string;
  /** The schema definition as the broker stores it. */
  data: Uint8Array;
  properties: Record<string, string>;
}

/** Turns a message value into bytes. Throwing fails only that message, with `SERIALIZATION_FAILED`. */
export interface Serializer<V = unknown> {
  /** MIME type that travels with the message, mapped by each transport. */
  readonly contentType: string;
  serialize(value: V, context: SerializeContext): Uint8Array | Promise<Uint8Array>;
  /**
   * The schema to declare to brokers that keep one, when the bytes are the bare encoding (not
   * wrapped in a schema-registry frame, which such brokers' consumers would not expect).
   */
  readonly schema?: SchemaDeclaration;
}
