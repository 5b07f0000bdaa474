/**
 * Golden vectors: the partition the Java clients pick for each key, computed by the clients'
 * own code (Kafka's `Utils.murmur2`, Pulsar's `JavaStringHash` and `Murmur3Hash32`), so our
 * keyed messages land where a Java producer's would.
 *
 * Regenerate (JDK 17+ and Maven): `packages/core/test/golden/regenerate.sh`. It fetches the
 * pinned jars listed in golden/pom.xml into a temporary directory, runs
 * golden/GenerateVectors.java and rewrites golden/murmur2.json and golden/pulsar-hash.json.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  javaStringHashCode,
  javaStringHashOfUtf8,
  javaStringHashPartitioner,
  murmur2,
  murmur2Partitioner,
  murmur3_32,
  murmur3Partitioner,
} from "../src/partitioner/index.js";

interface GoldenKey {
  label: string;
  /** Present when the key is text; `hex` is then its UTF-8 encoding per Java's `getBytes(UTF_8)`. */
  text?: string;
  hex: string;
}
interface KafkaVector extends GoldenKey {
  murmur2: number;
  partition: Record<string, number>;
}
interface PulsarVector extends GoldenKey {
  javaStringHash: number;
  murmur3: number;
  javaStringHashPartition: Record<string, number>;
  murmur3Partition: Record<string, number>;
}
interface GoldenFile<V> {
  partitionCounts: number[];
  vectors: V[];
  /** pulsar-hash.json only: seeded random bytes around UTF-8's edge cases, with their hash. */
  utf8Fuzz?: { hex: string; javaStringHash: number }[];
}

function load<V>(name: string): GoldenFile<V> {
  return JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), "utf8")) as GoldenFile<V>;
}

const kafka = load<KafkaVector>("murmur2.json");
const pulsar = load<PulsarVector>("pulsar-hash.json");
const bytesOf = (v: { hex: string }) => new Uint8Array(Buffer.from(v.hex, "hex"));
const title = (v: GoldenKey) => `${v.label} (${v.hex.length / 2} bytes)`;

describe("golden vector files", () => {
  it("cover the intended keys and partition counts", () => {
    expect(kafka.vectors.length).toBeGreaterThanOrEqual(40);
    expect(pulsar.vectors.length).toBe(kafka.vectors.length);
    expect(kafka.partitionCounts).toEqual([1, 3, 7, 8, 12, 100, 1000]);
    expect(kafka.vectors.some((v) => v.hex === "")).toBe(true);
    expect(kafka.vectors.some((v) => v.text === undefined)).toBe(true);
    expect(kafka.vectors.some((v) => v.hex.length / 2 >= 1000)).toBe(true);
    // Both signs of the raw hash appear, so toPositive is exercised.
    expect(kafka.vectors.some((v) => v.murmur2 < 0)).toBe(true);
    expect(kafka.vectors.some((v) => v.murmur2 > 0)).toBe(true);
  });

  it("encode text keys the way the engine does (UTF-8, as Java's getBytes)", () => {
    for (const v of [...kafka.vectors, ...pulsar.vectors]) {
      if (v.text !== undefined) expect(Buffer.from(v.text).toString("hex"), v.label).toBe(v.hex);
    }
  });
});

describe("murmur2 matches Kafka's Java client", () => {
  it.each(kafka.vectors.map((v) => [title(v), v] as const))("%s", (_, v) => {
    const key = bytesOf(v);
    expect(murmur2(key)).toBe(v.murmur2);
    for (const n of kafka.partitionCounts) {
      expect(murmur2Partitioner.partition({ topic: "t", key, partitions: n }), `${n} partitions`).toBe(
        v.partition[String(n)],
      );
    }
  });
});

describe("java-string-hash matches Pulsar's Java client", () => {
  it.each(pulsar.vectors.map((v) => [title(v), v] as const))("%s", (_, v) => {
    const key = bytesOf(v);
    expect(javaStringHashOfUtf8(key) & 0x7fffffff).toBe(v.javaStringHash);
    for (const n of pulsar.partitionCounts) {
      expect(javaStringHashPartitioner.partition({ topic: "t", key, partitions: n }), `${n} partitions`).toBe(
        v.javaStringHashPartition[String(n)],
      );
    }
  });
});

describe("java-string-hash decodes malformed UTF-8 as Java does", () => {
  it("matches Java on seeded random byte strings", () => {
    const fuzz = pulsar.utf8Fuzz ?? [];
    expect(fuzz.length).toBeGreaterThanOrEqual(300);
    const mismatches = fuzz.filter(
      (v) => (javaStringHashOfUtf8(bytesOf(v)) & 0x7fffffff) !== v.javaStringHash,
    );
    expect(mismatches.map((v) => v.hex)).toEqual([]);
  });

  it("differs from TextDecoder on encoded surrogates, which is why it decodes itself", () => {
    const key = new Uint8Array([0xed, 0xa0, 0x80]);
    // Java: one U+FFFD for the whole sequence; WHATWG: one per byte.
    expect(javaStringHashOfUtf8(key)).toBe(javaStringHashCode("\ufffd"));
    expect(javaStringHashCode(new TextDecoder().decode(key))).toBe(javaStringHashCode("\ufffd\ufffd\ufffd"));
  });
});

describe("murmur3 matches Pulsar's Java client", () => {
  it.each(pulsar.vectors.map((v) => [title(v), v] as const))("%s", (_, v) => {
    const key = bytesOf(v);
    expect(murmur3_32(key) & 0x7fffffff).toBe(v.murmur3);
    for (const n of pulsar.partitionCounts) {
      expect(murmur3Partitioner.partition({ topic: "t", key, partitions: n }), `${n} partitions`).toBe(
        v.murmur3Partition[String(n)],
      );
    }
  });
});
