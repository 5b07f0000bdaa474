import { ProduceAcks, Producer } from "@platformatic/kafka";
import { CONTENT_TYPE } from "../workload.js";
import type { Driver, DriverContext } from "./driver.js";

/**
 * Raw @platformatic/kafka, the fastest pure-JS Kafka client that installs here: `send` of
 * `batchSize` Buffers per call, windowed by the load mode, acks all, not idempotent.
 */
export function platformaticDriver(ctx: DriverContext): Driver {
  const { spec, payloads } = ctx;
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    clientId: "bench-platformatic",
    bootstrapBrokers: [spec.endpoints.kafka],
    acks: ProduceAcks.ALL,
    idempotent: false,
    autocreateTopics: false,
  });
  const topic = spec.topic;
  // The same content-type header @outbound/kafka puts on every record.
  const headers = new Map([[Buffer.from("content-type"), Buffer.from(CONTENT_TYPE)]]);
  const message = (i: number) => {
    const key = payloads.key(i);
    return key
      ? { topic, key, value: payloads.value(i), headers }
      : { topic, value: payloads.value(i), headers };
  };
  return {
    batched: true,
    connect: async () => {
      await producer.metadata({ topics: [topic] });
    },
    sendOne: async (i) => {
      await producer.send({ messages: [message(i)] });
    },
    sendBatch: async (i, count) => {
      const messages = new Array(count);
      for (let k = 0; k < count; k++) messages[k] = message(i + k);
      await producer.send({ messages });
    },
    close: () => producer.close(),
  };
}
