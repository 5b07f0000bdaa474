import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqsProbe, type SqsProbe, TEST_REGION } from "./probe.js";
import { sqsEndpoint, text, uniqueQueue } from "./support.js";

let probe: SqsProbe;
beforeAll(() => {
  probe = createSqsProbe({ endpoint: sqsEndpoint() });
});
afterAll(() => probe?.close());

describe("choosing the SQS transport through the producer config", () => {
  it("loads it from an sqs:// URL with credentials, which never show up in errors", async () => {
    const q = uniqueQueue("by-url");
    await probe.createTopic(q, { partitions: 1 });
    const secret = "s3cret/value-never-printed";
    const url = `sqs://outbound-test:${encodeURIComponent(secret)}@${new URL(sqsEndpoint()).host}?region=${TEST_REGION}`;
    const producer = createProducer({ url, serializer: "string" });
    try {
      const report = await producer.send({ topic: q, value: "via url" });
      expect(report).toMatchObject({ topic: q, partition: 0, acknowledged: true });
      expect(report.messageId).toMatch(/\S/);
      const missing = await producer
        .send({ topic: uniqueQueue("absent"), value: "x" })
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: "UNKNOWN_DESTINATION" });
      expect(JSON.stringify(missing)).not.toContain(secret);
      expect(String(missing)).not.toContain(secret);
    } finally {
      await producer.close();
    }
    const [got] = await probe.read(q, { count: 1, timeoutMs: 3_000 });
    expect(text(got!.value)).toBe("via url");
  });

  it("loads it by name with an sqs options section", async () => {
    const q = uniqueQueue("by-name");
    await probe.createTopic(q, { partitions: 1 });
    const producer = createProducer({
      transport: "sqs",
      sqs: {
        endpoint: sqsEndpoint(),
        region: TEST_REGION,
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      },
      serializer: "string",
    });
    try {
      await producer.send({ topic: q, value: "via name" });
    } finally {
      await producer.close();
    }
    const [got] = await probe.read(q, { count: 1, timeoutMs: 3_000 });
    expect(text(got!.value)).toBe("via name");
  });
});
