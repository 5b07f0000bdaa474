import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { endpoints } from "@outbound/brokers-tool/endpoints";
import amqplib from "amqplib";
import { Kafka, logLevel } from "kafkajs";

/**
 * One real broker as the installed-package test uses it: the URL an application would give
 * createProducer, what must exist before the send (a queue, an exchange), and a read-back through
 * a client that shares no code with our packages. Each read resolves to the message's body text.
 */

const deadline = (ms, what) =>
  new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: nothing read within ${ms} ms`)), ms).unref(),
  );

export function kafkaBroker() {
  const brokers = [endpoints().kafka];
  const kafka = new Kafka({ clientId: "outbound-install-test", brokers, logLevel: logLevel.NOTHING });
  return {
    url: `kafka://${brokers[0]}`,
    /** Kafka creates the topic on first produce (auto.create.topics.enable). */
    async prepare() {},
    async read(topic) {
      const consumer = kafka.consumer({ groupId: `${topic}-reader` });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        const received = new Promise((resolve) => {
          void consumer.run({ eachMessage: async ({ message }) => resolve(message.value.toString("utf8")) });
        });
        return await Promise.race([received, deadline(30_000, `kafka topic ${topic}`)]);
      } finally {
        await consumer.disconnect();
      }
    },
    async cleanup(topic) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.deleteGroups([`${topic}-reader`]).catch(() => {});
      await admin.disconnect();
    },
  };
}

export function rabbitmqBroker() {
  const url = endpoints().amqp;
  return {
    url,
    /** The transport publishes to an exchange named after the topic: one fanout exchange and a queue. */
    async prepare(topic) {
      const connection = await amqplib.connect(url);
      const channel = await connection.createChannel();
      await channel.assertExchange(topic, "fanout", { durable: false });
      await channel.assertQueue(topic, { durable: false });
      await channel.bindQueue(topic, topic, "");
      await connection.close();
    },
    async read(topic) {
      const connection = await amqplib.connect(url);
      try {
        const channel = await connection.createChannel();
        const started = Date.now();
        while (Date.now() - started < 20_000) {
          const message = await channel.get(topic, { noAck: true });
          if (message) return message.content.toString("utf8");
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`rabbitmq queue ${topic}: nothing read within 20000 ms`);
      } finally {
        await connection.close();
      }
    },
    async cleanup(topic) {
      const connection = await amqplib.connect(url);
      const channel = await connection.createChannel();
      await channel.deleteQueue(topic).catch(() => {});
      await channel.deleteExchange(topic).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

export function sqsBroker() {
  const endpoint = new URL(endpoints().sqs);
  const client = new SQSClient({
    region: "us-east-1",
    endpoint: endpoint.href,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const queueUrls = new Map();
  return {
    // ElasticMQ takes any credentials; a real app would rely on the SDK's default chain instead.
    url: `sqs://test:test@${endpoint.host}?region=us-east-1`,
    /** SQS queues must exist before a send. */
    async prepare(topic) {
      const created = await client.send(new CreateQueueCommand({ QueueName: topic }));
      queueUrls.set(topic, created.QueueUrl);
    },
    async read(topic) {
      const started = Date.now();
      while (Date.now() - started < 20_000) {
        const answer = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrls.get(topic),
            WaitTimeSeconds: 2,
            MaxNumberOfMessages: 1,
          }),
        );
        const message = answer.Messages?.[0];
        if (message) return message.Body;
      }
      throw new Error(`sqs queue ${topic}: nothing read within 20000 ms`);
    },
    async cleanup(topic) {
      await client.send(new DeleteQueueCommand({ QueueUrl: queueUrls.get(topic) })).catch(() => {});
    },
  };
}

/**
 * Pulsar has no installable JavaScript client here (pulsar-client needs libpulsar), so the read
 * goes through the broker's WebSocket reader API, served by Pulsar's own Java client, as the
 * transport's contract probe does; Node's global WebSocket speaks it.
 */
export function pulsarBroker() {
  const http = endpoints().pulsarHttp;
  return {
    url: endpoints().pulsar,
    /** Pulsar creates the topic on first produce. */
    async prepare() {},
    async read(topic) {
      const socket = new WebSocket(
        `${http.replace(/^http/, "ws")}/ws/v2/reader/persistent/public/default/${topic}?messageId=earliest`,
      );
      try {
        const received = new Promise((resolve, reject) => {
          socket.addEventListener("message", (event) => {
            const message = JSON.parse(String(event.data));
            socket.send(JSON.stringify({ messageId: message.messageId }));
            resolve(Buffer.from(message.payload, "base64").toString("utf8"));
          });
          socket.addEventListener("error", () => reject(new Error(`pulsar reader for ${topic} failed`)));
        });
        return await Promise.race([received, deadline(30_000, `pulsar topic ${topic}`)]);
      } finally {
        socket.close();
      }
    },
    async cleanup(topic) {
      await fetch(`${http}/admin/v2/persistent/public/default/${topic}?force=true`, {
        method: "DELETE",
      }).catch(() => {});
    },
  };
}
