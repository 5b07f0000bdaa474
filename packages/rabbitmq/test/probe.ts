import type { Probe, ProbedMessage } from "@outbound/contract";
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from "amqplib";
import { rabbitmqctl } from "./rabbitmqctl.js";

/** How the transport under test maps topics; the probe lays out matching topology. */
export interface RabbitProbeOptions {
  /** AMQP URL including the vhost the transport publishes to. */
  url: string;
  /** The vhost, for `rabbitmqctl close_all_connections --vhost`. */
  vhost: string;
  destination: "exchange" | "queue";
  /** Makes the broker stop answering the producer under test (see toxiproxy.ts). */
  stall?: () => Promise<() => Promise<void>>;
}

export interface RabbitProbe extends Probe {
  /** `rabbitmqctl close_all_connections --vhost <vhost>`: always available here. */
  dropConnections(): Promise<void>;
  /** Messages currently ready in a queue (passive declare). */
  depth(queue: string): Promise<number>;
}

interface Layout {
  partitions: number;
}

function queueName(topic: string, partition: number, partitions: number): string {
  return partitions > 1 ? `${topic}-${partition}` : topic;
}

function asBytes(value: Buffer): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** AMQP field values as the contract compares them: text or bytes. */
function headerValue(value: unknown): string | Uint8Array {
  if (Buffer.isBuffer(value)) return asBytes(value);
  if (typeof value === "string") return value;
  return String(value);
}

function toProbed(topic: string, partition: number, message: ConsumeMessage): ProbedMessage {
  const rawHeaders = (message.properties.headers ?? {}) as Record<string, unknown>;
  const headers: Record<string, string | Uint8Array> = {};
  for (const [name, value] of Object.entries(rawHeaders)) headers[name] = headerValue(value);
  const key = rawHeaders["x-outbound-key"];
  const msTimestamp = rawHeaders.timestamp_in_ms;
  const probed: ProbedMessage = {
    topic,
    partition,
    value: asBytes(message.content),
    headers,
  };
  if (Buffer.isBuffer(key)) probed.key = asBytes(key);
  if (message.properties.contentType) probed.contentType = message.properties.contentType;
  if (message.properties.messageId) probed.messageId = message.properties.messageId;
  if (typeof msTimestamp === "number") probed.timestamp = msTimestamp;
  else if (typeof message.properties.timestamp === "number")
    probed.timestamp = message.properties.timestamp * 1000;
  return probed;
}

/**
 * Reads back what RabbitMQ holds with plain amqplib consumers, never through Outbound.
 * `createTopic` declares durable queues `<topic>` or `<topic>-<p>`; in exchange mode also the
 * exchange `<topic>` (fanout when unpartitioned, so every routing key lands; direct with one
 * binding `<topic>-<p>` per partition queue otherwise).
 */
export function createRabbitProbe(options: RabbitProbeOptions): RabbitProbe {
  let model: ChannelModel | undefined;
  const layouts = new Map<string, Layout>();

  async function connection(): Promise<ChannelModel> {
    if (model) return model;
    const opened = await connect(options.url);
    opened.on("error", () => {});
    // dropConnections closes the probe's connection too; the next call opens a new one.
    opened.on("close", () => {
      if (model === opened) model = undefined;
    });
    model = opened;
    return opened;
  }

  async function withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await (await connection()).createChannel();
    channel.on("error", () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  return {
    ...(options.stall ? { stall: options.stall } : {}),
    async createTopic(topic, { partitions }) {
      await withChannel(async (channel) => {
        if (options.destination === "exchange") {
          await channel.assertExchange(topic, partitions > 1 ? "direct" : "fanout", { durable: true });
        }
        for (let p = 0; p < partitions; p++) {
          const queue = queueName(topic, p, partitions);
          await channel.assertQueue(queue, { durable: true });
          if (options.destination === "exchange") {
            await channel.bindQueue(queue, topic, partitions > 1 ? queue : "");
          }
        }
      });
      layouts.set(topic, { partitions });
    },

    async read(topic, { count, timeoutMs }) {
      const partitions = layouts.get(topic)?.partitions ?? 1;
      const received: ProbedMessage[] = [];
      await withChannel(async (channel) => {
        await channel.prefetch(1000);
        let done!: () => void;
        const enough = new Promise<void>((resolve) => {
          done = resolve;
        });
        const timer = setTimeout(done, timeoutMs);
        const tags: string[] = [];
        for (let p = 0; p < partitions; p++) {
          const { consumerTag } = await channel.consume(
            queueName(topic, p, partitions),
            (message) => {
              if (!message) return;
              received.push(toProbed(topic, p, message));
              channel.ack(message);
              if (received.length >= count) done();
            },
            { noAck: false },
          );
          tags.push(consumerTag);
        }
        await enough;
        clearTimeout(timer);
        for (const tag of tags) await channel.cancel(tag).catch(() => {});
      });
      return received;
    },

    async depth(queue) {
      return withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
    },

    async dropConnections() {
      await rabbitmqctl("close_all_connections", "--vhost", options.vhost, "outbound test: drop connections");
    },

    async close() {
      const open = model;
      model = undefined;
      await open?.close().catch(() => {});
    },
  };
}
