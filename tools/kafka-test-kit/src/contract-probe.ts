import type { Probe } from "@outbound/contract";
import { brokerEndpoints } from "./helpers.js";
import { createKafkaProbe } from "./probe.js";
import { kafkaProxy } from "./toxiproxy.js";

/**
 * The contract suite's probe: reads with kafkajs directly from the broker, and cuts or stalls
 * the transport's connections through a toxiproxy proxy that the transport under test dials via
 * its `socketFactory` (Kafka's advertised listener stays the broker's own).
 */
export async function createKafkaContractProbe(proxyPort: number): Promise<Probe> {
  const reader = createKafkaProbe({ brokers: [brokerEndpoints().kafka] });
  const proxy = await kafkaProxy(`outbound-kafka-contract-${proxyPort}`, proxyPort);
  let stalls = 0;
  return {
    createTopic: (topic, options) => reader.createTopic(topic, options),
    read: (topic, options) => reader.read(topic, options),
    dropConnections: () => proxy.dropConnections(),
    async stall() {
      // The `timeout` toxic with timeout 0 swallows the producer's bytes and keeps the socket open.
      const name = `stall-${++stalls}`;
      await proxy.addToxic({ name, type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
      return () => proxy.removeToxic(name);
    },
    async close() {
      await proxy.remove();
      await reader.close();
    },
  };
}
