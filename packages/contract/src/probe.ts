/**
 * A message as the broker holds it, read back by a probe with the broker's own client (never
 * with Outbound), so the suite asserts what arrived rather than what the producer believes.
 */
export interface ProbedMessage {
  topic: string;
  /** 0 where the destination is not partitioned. */
  partition: number;
  key?: Uint8Array;
  value: Uint8Array;
  headers: Record<string, string | Uint8Array>;
  /** Where the broker has a content-type carrier of its own (AMQP property, SQS attribute). */
  contentType?: string;
  offset?: string;
  messageId?: string;
  /** The message timestamp where the broker keeps one the probe can read. */
  timestamp?: number;
}

/** Implemented per transport with the broker's own client. */
export interface Probe {
  /** Creates a fresh destination (topic / queue(s) / FIFO queue) with `partitions` partitions where the transport partitions. */
  createTopic(topic: string, options: { partitions: number; fifo?: boolean }): Promise<void>;
  /**
   * Reads what the broker holds on `topic` (all partitions) until `count` messages or
   * `timeoutMs`. Each partition's messages come in broker order. The suite reads a topic at
   * most once per test, so a destructive read (a queue) is fine.
   */
  read(topic: string, options: { count: number; timeoutMs: number }): Promise<ProbedMessage[]>;
  /** Optional: cut the producer's connections (rabbitmqctl close_all_connections, toxiproxy, broker restart). */
  dropConnections?(): Promise<void>;
  /**
   * Optional: make the broker stop answering the producer (a toxiproxy `timeout` toxic, a paused
   * broker) until the returned function is called. Lets the suite prove that `close()` returns
   * what it could not deliver.
   */
  stall?(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
