import { createKafkaProbe } from "@outbound/kafka-test-kit";
import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { outboxBrokerSuite } from "./broker-suite.js";

const bootstrap = endpoints().kafka;
const probe = createKafkaProbe({ brokers: [bootstrap] });

outboxBrokerSuite({
  name: "kafka",
  url: `kafka://${bootstrap}`,
  // Kafka's default message.max.bytes is 1 MiB.
  tooLargeBytes: 2 * 1024 * 1024,
  createTopic: (topic) => probe.createTopic(topic, { partitions: 3 }),
  async readAll(topic, atLeast) {
    const messages = await probe.read(topic, { count: atLeast, timeoutMs: 20_000 });
    return messages.map((m) => ({ key: m.key && Buffer.from(m.key).toString(), id: m.messageId }));
  },
  close: () => probe.close(),
});
