import { randomUUID } from "node:crypto";
import kafkajs, { type Admin, type ITopicConfig, type KafkaConfig } from "kafkajs";
import { registerProbeCodecs } from "./probe-codecs.js";

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
    async createTopic(
      topic: string,
      topicOptions: { partitions: number; replicationFactor?: number; configs?: Record<string, string> },
    ) {
      const client = await getAdmin();
      const config: ITopicConfig = {
        topic,
        numPartitions: topicOptions.partitions,
        replicationFactor: topicOptions.replicationFactor ?? 1,
        configEntries: Object.entries(topicOptions.configs ?? {}).map(([name, value]) => ({ name, value })),
      };
      await client.createTopics({ topics: [config], waitForLeaders: false });
      await waitForLeaders(client, topic, topicOptions.partitions);
    },

    /** The node leading each partition of `topic`. */
    async leaders(topic: string): Promise<Map<number, number>> {
      const client = await getAdmin();
      const metadata = await client.fetchTopicMetadata({ topics: [topic] });
      return new Map((metadata.topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
    },

    /** Adds partitions to an existing topic (Kafka cannot remove them). */
    async growTopic(topic: string, count: number) {
      const client = await getAdmin();
      await client.createPartitions({ topicPartitions: [{ topic, count }] });
      await waitForLeaders(client, topic, count);
    },

    async deleteTopic(topic: string) {
      const client = await getAdmin();
      await client.deleteTopics({ topics: [topic] });
    },

    /**
     * Reads from the beginning of every partition until it holds at least `count` messages and
     * has reached the end each partition had when the read began, or until `timeoutMs`. Reading
     * to the end matters: a retried unknown-outcome send legitimately leaves a duplicate, and
     * stopping at exactly `count` would then miss a later message of another partition.
     */
    async read(
      topic: string,
      readOptions: { count: number; timeoutMs: number },
    ): Promise<ProbedKafkaMessage[]> {
      // Compressed batches were validated by the broker once already; this lets kafkajs read them.
      registerProbeCodecs();
      const deadline = Date.now() + readOptions.timeoutMs;
      const ends = new Map<number, bigint>();
      for (const { partition, high } of await (await getAdmin()).fetchTopicOffsets(topic)) {
        ends.set(partition, BigInt(high));
      }
      const reached = new Map<number, bigint>();
      const consumer = kafka.consumer({
        groupId: `outbound-probe-${randomUUID()}`,
        readUncommitted: options.isolation === "read_uncommitted",
        maxWaitTimeInMs: 100,
        retry: { retries: 3 },
      });
      const messages: ProbedKafkaMessage[] = [];
      const caughtUp = () =>
        [...ends].every(([partition, end]) => end === 0n || (reached.get(partition) ?? -1n) + 1n >= end);
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          let quiet: NodeJS.Timeout | undefined;
          const finish = () => {
            clearTimeout(timer);
            clearTimeout(quiet);
            resolve();
          };
          const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
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
                reached.set(partition, BigInt(message.offset));
                if (messages.length < readOptions.count) return;
                if (caughtUp()) return finish();
                // Transaction markers and aborted records hold offsets a consumer never sees, so
                // the end may be out of reach: stop once nothing more has come for a moment.
                clearTimeout(quiet);
                quiet = setTimeout(finish, 500);
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

/** Errors a partition answers with while its new leader has not yet taken it over. */
const NOT_YET_SERVING = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
]);

/**
 * Waits until every partition of a topic created (or grown) a moment ago is served by its leader.
 * Two steps, because a KRaft broker applies a new topic in two: it publishes the metadata (so a
 * Metadata answer names the leader) before its replica manager makes itself that leader, and a
 * Produce or ListOffsets in between is answered NOT_LEADER_OR_FOLLOWER. So first every partition
 * must have a leader in metadata, then ListOffsets, which each leader answers from the same state
 * a Produce is checked against, must succeed for all of them. Under CI load that gap has been
 * seen to last long enough to fail a test's first send or read. The condition is waited for,
 * bounded; any error other than "not serving yet" is thrown at once.
 */
async function waitForLeaders(
  admin: Admin,
  topic: string,
  partitions: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no metadata yet";
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = metadata.topics[0]?.partitions ?? [];
      if (found.length === partitions && found.every((p) => p.leader >= 0)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        if (offsets.length === partitions) return;
        last = `ListOffsets answered for ${offsets.length} of ${partitions} partitions`;
      } else {
        last = `${found.filter((p) => p.leader >= 0).length} of ${partitions} partitions with a leader`;
      }
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== undefined && !NOT_YET_SERVING.has(type)) throw error;
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(
        `topic ${topic} is not served by a leader for every partition after ${timeoutMs} ms: ${last}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function decodeIfText(bytes: Buffer): string | Uint8Array {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}
