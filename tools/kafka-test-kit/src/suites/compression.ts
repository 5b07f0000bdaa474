import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, bytes, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { runJava } from "../java-client.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

/**
 * Every codec the transport writes, through the broker to two consumers. The broker decompresses
 * every compressed batch to validate and assign offsets, so a codec that wrote the wrong frame
 * format is refused (CORRUPT_MESSAGE) before a consumer ever sees it.
 */
export function compressionSuite(subject: KafkaSubject): void {
  const brokers = [brokerEndpoints().kafka];
  const probe = createKafkaProbe({ brokers });
  afterAll(() => probe.close());

  describe.each(subject.compressions)("%s compression", (compression) => {
    it("round-trips a compressible batch through the broker to a consumer", async () => {
      const topic = uniqueTopic(`compress-${compression}`);
      await probe.createTopic(topic, { partitions: 1 });
      const transport = subject.transport({ brokers, compression });
      const values = Array.from({ length: 50 }, (_, i) => `${compression} record ${i} `.repeat(40));
      try {
        const records = values.map((v, i) =>
          makeRecord(topic, 0, v, { key: bytes(`k${i}`), headers: { n: `${i}` } }),
        );
        const results = await transport.send(makeBatch(topic, 0, records), sendContext());
        expect(results.map((r) => r.ok && r.offset)).toEqual(values.map((_, i) => String(i)));
      } finally {
        await transport.close();
      }
      const read = await probe.read(topic, { count: values.length, timeoutMs: 20_000 });
      expect(read.map((m) => text(m.value))).toEqual(values);
      expect(read.map((m) => m.headers.n)).toEqual(values.map((_, i) => `${i}`));

      // The Java consumer decompresses with Kafka's own codecs (snappy-java, lz4-java, zstd-jni),
      // independently of the codecs the transport and the probe use.
      const java = await runJava("ReadBack.java", [brokers[0]!, topic, String(values.length)]);
      const javaValues = java
        .trim()
        .split("\n")
        .map((line) => Buffer.from(line.split("\t")[2] ?? "", "base64").toString("utf8"));
      expect(javaValues).toEqual(values);
    });
  });
}
