import { randomUUID } from "node:crypto";
import kafkajs, { type Admin, type ITopicConfig, type KafkaConfig } from "kafkajs";
import { registerKafkaCodecs } from "../src/compression.js";

const { Kafka, logLevel } = kafkajs;

/** What the probe read back from the broker (the shape the contract suite expects). */
export interface ProbedKafkaMessage {
  topic: string;
  partition: number;
  key?: Uint8Array;
  value: Uint8Array;
  headers: Record<string, string | Uint8Array>;
  contentType?: string;
  offset?: string;
  messageId?: string;
  /** Kafka record timestamp, ms. */
  timestamp: number;
}

export interface KafkaProbeOptions {
  brokers: string[];
  /** Read committed records only (the default), or everything including aborted transactions. */
  isolation?: "read_committed" | "read_uncommitted";
  /** Extra client settings, e.g. SASL for the SASL listener. */
  client?: Partial<KafkaConfig>;
}

/**
 * Reads what Kafka holds with kafkajs's consumer and admin, independently of the transport under
 * test: its own client, its own connections, a fresh consumer group per read, from the beginning.
 * Header values are returned as text when they are valid UTF-8 and as bytes otherwise.
 */
export function createKafkaProbe(options: KafkaProbeOptions) {
  // The transport's lz4 and zstd codecs are process-wide in kafkajs; registering them here lets the
  // probe read compressed batches (the broker has already validated and decompressed them once).
  registerKafkaCodecs();
  const kafka = new Kafka({
    clientId: `outbound-probe-${randomUUID().slice(0, 8)}`,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    ...options.client,
  });
  let admin: Admin | undefined;

  async function getAdmin(): Promise<Admin> {
    if (!admin) {
      const created = kafka.admin();
      await created.connect();
      admin = created;
    }
    return admin;
  }

  return {
    async createTopic(topic: string, topicOptions: { partitions: number; configs?: Record<string, string> }) {
      const client = await getAdmin();
      const config: ITopicConfig = {
        topic,
        numPartitions: topicOptions.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(topicOptions.configs ?? {}).map(([name, value]) => ({ name, value })),
      };
      await client.createTopics({ topics: [config], waitForLeaders: true });
    },

    /** Adds partitions to an existing topic (Kafka cannot remove them). */
    async growTopic(topic: string, count: number) {
      const client = await getAdmin();
      await client.createPartitions({ topicPartitions: [{ topic, count }] });
    },

    async deleteTopic(topic: string) {
      const client = await getAdmin();
      await client.deleteTopics({ topics: [topic] });
    },

    async read(
      topic: string,
      readOptions: { count: number; timeoutMs: number },
    ): Promise<ProbedKafkaMessage[]> {
      const consumer = kafka.consumer({
        groupId: `outbound-probe-${randomUUID()}`,
        readUncommitted: options.isolation === "read_uncommitted",
        maxWaitTimeInMs: 100,
        retry: { retries: 3 },
      });
      const messages: ProbedKafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, readOptions.timeoutMs);
          consumer
            .run({
              eachMessage: async ({ topic: from, partition, message }) => {
                const headers: Record<string, string | Uint8Array> = {};
                for (const [name, raw] of Object.entries(message.headers ?? {})) {
                  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
                  if (value === undefined) continue;
                  headers[name] = typeof value === "string" ? value : decodeIfText(value);
                }
                const contentType = headers["content-type"];
                const messageId = headers["message-id"];
                messages.push({
                  topic: from,
                  partition,
                  ...(message.key ? { key: new Uint8Array(message.key) } : {}),
                  value: new Uint8Array(message.value ?? Buffer.alloc(0)),
                  headers,
                  ...(typeof contentType === "string" ? { contentType } : {}),
                  ...(typeof messageId === "string" ? { messageId } : {}),
                  offset: message.offset,
                  timestamp: Number(message.timestamp),
                });
                if (messages.length >= readOptions.count) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return messages;
    },

    async close() {
      await admin?.disconnect();
      admin = undefined;
    },
  };
}

export type KafkaProbe = ReturnType<typeof createKafkaProbe>;

function decodeIfText(bytes: Buffer): string | Uint8Array {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}
