/** The producer's log lines: silent by default, clear when something goes wrong, never a secret. */
import { createProducer, type Logger } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (obj: unknown, msg?: string) => {
    lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ""}`);
  };
  return {
    lines,
    logger: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") },
  };
}

describe("logging", () => {
  it("says what happened on retries, retry exhaustion and buffer pressure", async () => {
    const { logger, lines } = capture();
    const transport = memoryTransport();
    const producer = createProducer({
      transport,
      logger,
      deliveryTimeoutMs: 300,
      bufferMaxBytes: 1024,
      onBufferFull: "reject",
      retry: { initialMs: 20, maxMs: 50 },
    });
    await producer.connect();
    transport.broker.faults.failNext(100, { code: "BROKER_UNAVAILABLE", kind: "retriable" });
    const first = producer.send({ topic: "t", value: "x".repeat(900) });
    await expect(producer.send({ topic: "t", value: "y".repeat(900) })).rejects.toMatchObject({
      code: "BUFFER_FULL",
    });
    await expect(first).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE" });
    await producer.close();
    const text = lines.join("\n");
    expect(text).toMatch(/debug .*retrying/);
    expect(text).toMatch(/warn .*producer under backpressure: buffer full/);
    expect(text).toMatch(/warn .*message not delivered: .*gave up after \d+ attempt/);
  });

  it("is silent without a logger, and a logger never sees a credential", async () => {
    const { logger, lines } = capture();
    const secretUrl = "memory://orders?partitions=2";
    const producer = createProducer({
      url: secretUrl,
      logger,
      deadLetter: { file: "/tmp/outbound-test-never-written.jsonl" },
      // Secrets in a transport section: they must never reach a log line or printed config.
      memory: { partitions: 2 },
    });
    await producer.send({ topic: "t", value: "hello" });
    await producer.close();
    const printed = JSON.stringify(
      createProducer({ url: "amqp://app:pa55word@127.0.0.1:5672", logger }).describeConfig(),
    );
    expect(printed).not.toContain("pa55word");
    for (const line of lines) expect(line).not.toContain("pa55word");
    expect(lines.some((l) => l.startsWith("info") && l.includes("producer connected"))).toBe(true);
  });
});
