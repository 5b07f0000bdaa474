import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from "kafkajs";
import { CONTENT_TYPE } from "../workload.js";
import type { Driver, DriverContext } from "./driver.js";

/**
 * Raw kafkajs, the client under @outbound/kafka. `batched` false: one `send` of one message per
 * call (the naive use); true: `sendBatch` of `batchSize` messages, windowed by the load mode.
 */
export function kafkajsDriver(ctx: DriverContext, batched: boolean): Driver {
  const { spec, payloads } = ctx;
  const kafka = new Kafka({
    clientId: "bench-kafkajs",
    brokers: [spec.endpoints.kafka],
    logLevel: logLevel.NOTHING,
  });
  const producer: Producer = kafka.producer({ idempotent: false, allowAutoTopicCreation: false });
  const topic = spec.topic;
  // The same content-type header @outbound/kafka puts on every record, so both sides encode the
  // same record bytes (a header costs kafkajs several microseconds per message).
  const headers = { "content-type": CONTENT_TYPE };
  const message = (i: number): Message => {
    const key = payloads.key(i);
    return key ? { key, value: payloads.value(i), headers } : { value: payloads.value(i), headers };
  };
  return {
    batched,
    connect: () => producer.connect(),
    sendOne: async (i) => {
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: [message(i)] });
    },
    sendBatch: async (i, count) => {
      const messages = new Array<Message>(count);
      for (let k = 0; k < count; k++) messages[k] = message(i + k);
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [{ topic, messages }],
      });
    },
    close: () => producer.disconnect(),
  };
}
