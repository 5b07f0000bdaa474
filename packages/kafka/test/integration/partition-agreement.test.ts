import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createProducer } from "@outbound/core";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error tools/brokers is plain ESM JavaScript without types for this module.
import { kafkaLibDir } from "../../../../tools/brokers/brokers/kafka.mjs";
import { kafkaTransport } from "../../src/index.js";
import { brokerEndpoints, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";

const bootstrap = brokerEndpoints().kafka;
const probe = createKafkaProbe({ brokers: [bootstrap] });
afterAll(() => probe.close());

const PARTITIONS = 7;

/** Keys of every length mod 4 (murmur2's tail cases), non-ASCII UTF-8, digits and long keys. */
function agreementKeys(): string[] {
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

/** Runs test/java/Agree.java with the Kafka jars `pnpm brokers` fetched; returns key -> partition. */
function produceWithJava(topic: string, keys: string[]): Promise<Map<string, number>> {
  const source = fileURLToPath(new URL("../java/Agree.java", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn("java", ["-cp", `${kafkaLibDir() as string}/*`, source, bootstrap, topic], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`Agree.java exited ${code}: ${stderr.slice(-2000)}`));
      const placed = new Map<string, number>();
      for (const line of stdout.split("\n")) {
        const tab = line.indexOf("\t");
        if (tab > 0) placed.set(line.slice(tab + 1), Number(line.slice(0, tab)));
      }
      resolve(placed);
    });
    child.stdin.end(`${keys.join("\n")}\n`, "utf8");
  });
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
      transport: kafkaTransport({ brokers: [bootstrap] }),
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
});
