import { readFileSync } from "node:fs";
import { createProducer } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";

/** The broker's TLS listener (tools/brokers: 5671, a certificate signed by a per-run test CA). */
function amqpsUrl(vhost: string): string {
  const url = new URL(endpoints().amqps);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

describe("rabbitmq over TLS (amqps)", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;

  beforeAll(async () => {
    vhost = await createTestVhost("tls");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "queue" });
  });
  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
  });

  it("publishes over amqps, verifying the broker's certificate against the test CA", async () => {
    const topic = `tls-${Date.now()}`;
    await probe.createTopic(topic, { partitions: 1 });
    const transport = rabbitmqTransport({
      url: amqpsUrl(vhost.vhost),
      destination: "queue",
      tls: { ca: [readFileSync(endpoints().amqpsCaFile)] },
    });
    expect(transport.describe()).toMatch(/^amqps:\/\/guest:\*\*\*@127\.0\.0\.1:5671\//);
    const producer = createProducer({ transport, serializer: "string" });
    try {
      await expect(producer.send({ topic, value: "over-tls" })).resolves.toMatchObject({
        acknowledged: true,
      });
      const held = await probe.read(topic, { count: 1, timeoutMs: 5_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual(["over-tls"]);
    } finally {
      await producer.close();
    }
  });

  it("refuses a broker certificate it cannot verify with AUTH_FAILED, not endless retries", async () => {
    const transport = rabbitmqTransport({ url: amqpsUrl(vhost.vhost) });
    try {
      await expect(transport.connect()).rejects.toMatchObject({ code: "AUTH_FAILED", kind: "terminal" });
    } finally {
      await transport.close();
    }
  });
});
