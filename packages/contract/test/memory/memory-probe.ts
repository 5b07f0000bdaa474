import type { Probe, ProbedMessage } from "@outbound/contract";
import type { MemoryBroker } from "@outbound/memory";

/**
 * The contract probe for the memory transport. Memory has no client of its own, so the probe
 * reads through the broker's inspection API: the one place where that stands in for an
 * independent consumer.
 */
export function memoryProbe(broker: MemoryBroker): Probe {
  return {
    async createTopic(topic, { partitions, fifo }) {
      broker.createTopic(topic, { partitions, fifo: fifo ?? false });
    },
    async read(topic, { count, timeoutMs }) {
      const messages = await broker.waitFor(topic, count, timeoutMs).catch(() => broker.messages(topic));
      return messages.map(
        (m): ProbedMessage => ({
          topic: m.topic,
          partition: m.partition,
          ...(m.key === undefined ? {} : { key: m.key }),
          value: m.value,
          headers: m.headers,
          ...(m.contentType === undefined ? {} : { contentType: m.contentType }),
          offset: m.offset,
          timestamp: m.timestamp,
        }),
      );
    },
    async dropConnections() {
      broker.faults.disconnect({ forMs: 200 });
    },
    async stall() {
      broker.faults.hang();
      return async () => broker.faults.release();
    },
    async close() {},
  };
}
