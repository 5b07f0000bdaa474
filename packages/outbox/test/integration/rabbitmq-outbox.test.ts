import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { createRabbitProbe } from "../../../rabbitmq/test/probe.js";
import { outboxBrokerSuite } from "./broker-suite.js";

const url = endpoints().amqp;
// The transport publishes to an exchange named after the topic; the probe binds a queue to it.
const probe = createRabbitProbe({ url, vhost: "/", destination: "exchange" });
const consumed = new Map<string, { key: string | undefined; id: string | undefined }[]>();

outboxBrokerSuite({
  name: "rabbitmq",
  url,
  // A transport limit below RabbitMQ's own, so a terminal MESSAGE_TOO_LARGE is cheap to provoke.
  producerOptions: { rabbitmq: { maxMessageBytes: 64 * 1024 } },
  tooLargeBytes: 100 * 1024,
  createTopic: (topic) => probe.createTopic(topic, { partitions: 1 }),
  async readAll(topic, atLeast) {
    // Reading a queue consumes it: keep what was read, so a later read returns everything too.
    const earlier = consumed.get(topic) ?? [];
    const ready = await probe.depth(topic);
    const messages = await probe.read(topic, {
      count: Math.max(ready, atLeast - earlier.length),
      timeoutMs: 20_000,
    });
    const all = [
      ...earlier,
      ...messages.map((m) => ({ key: m.key && Buffer.from(m.key).toString(), id: m.messageId })),
    ];
    consumed.set(topic, all);
    return all;
  },
  close: () => probe.close(),
});
