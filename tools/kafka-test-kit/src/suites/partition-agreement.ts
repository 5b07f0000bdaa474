import { createProducer } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, text, uniqueTopic } from "../helpers.js";
import { runJava } from "../java-client.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

const PARTITIONS = 7;

/** Keys of every length mod 4 (murmur2's tail cases), non-ASCII UTF-8, digits and long keys. */
export function agreementKeys(): string[] {
  const keys = [
    "a",
    "ab",
    "abc",
    "abcd",
    "abcde",
    "0",
    "42",
    "order-1",
    "user:7781",
    "ключ",
    "キー",
    "🔑-emoji",
    "x".repeat(300),
  ];
  for (let i = 0; i < 187; i++) keys.push(`key-${i}-${(i * 7919).toString(36)}`);
  return keys;
}

/**
 * The Java producer and Outbound, given the same keys, put each on the same partition; and the
 * client under the transport never re-partitions what the engine chose.
 */
export function partitionAgreementSuite(subject: KafkaSubject): void {
  const bootstrap = brokerEndpoints().kafka;
  const probe = createKafkaProbe({ brokers: [bootstrap] });
  afterAll(() => probe.close());

  /** Runs java/Agree.java with the Kafka jars `pnpm brokers` fetched; returns key -> partition. */
  async function produceWithJava(topic: string, keys: string[]): Promise<Map<string, number>> {
    const stdout = await runJava("Agree.java", [bootstrap, topic], `${keys.join("\n")}\n`);
    const placed = new Map<string, number>();
    for (const line of stdout.split("\n")) {
      const tab = line.indexOf("\t");
      if (tab > 0) placed.set(line.slice(tab + 1), Number(line.slice(0, tab)));
    }
    return placed;
  }

  describe("partition agreement with the Java client", () => {
    it("puts every key on the partition the Java producer's default partitioner picks", {
      timeout: 120_000,
    }, async () => {
      const keys = agreementKeys();
      const javaTopic = uniqueTopic("agree-java");
      const outboundTopic = uniqueTopic("agree-outbound");
      await probe.createTopic(javaTopic, { partitions: PARTITIONS });
      await probe.createTopic(outboundTopic, { partitions: PARTITIONS });

      const javaReported = await produceWithJava(javaTopic, keys);
      expect(javaReported.size).toBe(keys.length);

      // Outbound's engine with its default partitioner for Kafka (murmur2), serializer "string".
      const producer = createProducer({
        transport: subject.transport({ brokers: [bootstrap] }),
        serializer: "string",
      });
      try {
        const settled = await producer.sendMany(
          keys.map((key) => ({ topic: outboundTopic, key, value: "outbound" })),
        );
        expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
      } finally {
        await producer.close({ timeoutMs: 10_000 });
      }

      // Both placements as the broker holds them, read back by the probe.
      const [javaRead, outboundRead] = await Promise.all([
        probe.read(javaTopic, { count: keys.length, timeoutMs: 30_000 }),
        probe.read(outboundTopic, { count: keys.length, timeoutMs: 30_000 }),
      ]);
      const placement = (messages: typeof javaRead) =>
        new Map(messages.map((m) => [text(m.key) ?? "", m.partition]));
      const java = placement(javaRead);
      const outbound = placement(outboundRead);
      expect(java.size).toBe(keys.length);
      expect(outbound.size).toBe(keys.length);
      const disagreements = keys.filter((key) => java.get(key) !== outbound.get(key));
      expect(disagreements).toEqual([]);
      // The keys spread over every partition, so agreement is not trivially "all on partition 0".
      expect(new Set(java.values()).size).toBe(PARTITIONS);
      expect([...java].every(([key, partition]) => javaReported.get(key) === partition)).toBe(true);
    });

    it("an explicit partition is where the record lands, whatever its key hashes to", async () => {
      const topic = uniqueTopic("explicit");
      await probe.createTopic(topic, { partitions: PARTITIONS });
      const producer = createProducer({
        transport: subject.transport({ brokers: [bootstrap] }),
        serializer: "string",
      });
      const keys = agreementKeys().slice(0, 40);
      try {
        // Every key to the partition its murmur2 hash does NOT give: a client that re-hashed would move it.
        const settled = await producer.sendMany(
          keys.map((key, i) => ({ topic, key, partition: i % PARTITIONS, value: String(i % PARTITIONS) })),
        );
        expect(settled.every((s) => s.status === "fulfilled")).toBe(true);
      } finally {
        await producer.close({ timeoutMs: 10_000 });
      }
      const read = await probe.read(topic, { count: keys.length, timeoutMs: 30_000 });
      expect(read).toHaveLength(keys.length);
      for (const message of read) expect(message.partition).toBe(Number(text(message.value)));
    });
  });
}
