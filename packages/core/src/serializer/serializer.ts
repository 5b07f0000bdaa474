import type { Headers } from "../message/index.js";

export interface SerializeContext {
  topic: string;
  /**
   * The message's outgoing headers. A serializer may add to them (for example the Protobuf
   * message name); it must not remove the user's.
   */
  headers: Headers;
}

/** Turns a message value into bytes. Throwing fails only that message, with `SERIALIZATION_FAILED`. */
export interface Serializer<V = unknown> {
  /** MIME type that travels with the message, mapped by each transport. */
  readonly contentType: string;
  serialize(value: V, context: SerializeContext): Uint8Array | Promise<Uint8Array>;
}
