import type { RecordBatch, RecordResult, Transport } from "@outbound/core";
import { memoryTransport } from "@outbound/memory";

/**
 * A transport that acknowledges every record at once and keeps nothing: Outbound over it is the
 * engine alone (validation, partitioning, buffer, lanes, batching, completion), with no broker
 * behind it. The memory broker copies and retains every message, which costs more than the engine
 * does, so this is what the engine-only target (P5) is read from. Capabilities are the memory
 * transport's, so the engine batches the same way.
 * With `hold`, it never answers instead: messages stay buffered (for the memory-per-message case).
 */
export function nullTransport(options: { hold?: boolean } = {}): Transport {
  const capabilities = memoryTransport().capabilities;
  return {
    name: options.hold ? "hold" : "null",
    capabilities,
    connect: async () => {},
    partitions: async () => 1,
    send: options.hold
      ? () => new Promise<RecordResult[]>(() => {})
      : async (batch: RecordBatch) => {
          const results = new Array<RecordResult>(batch.records.length);
          for (let i = 0; i < results.length; i++) results[i] = { ok: true, partition: batch.partition };
          return results;
        },
    close: async () => {},
  };
}
