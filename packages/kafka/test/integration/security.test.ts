import { afterAll, describe, expect, it } from "vitest";
import type { KafkaSaslMechanism } from "../../src/index.js";
import { kafkaTransport } from "../../src/index.js";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";

// The SASL_PLAINTEXT listener and its test-only user come from tools/brokers (docs/testing.md).
const saslBroker = brokerEndpoints().kafkaSasl;
const user = { username: "outbound", password: "outbound-secret" };
const probe = createKafkaProbe({ brokers: [brokerEndpoints().kafka] });

afterAll(() => probe.close());

describe("SASL on the broker's SASL_PLAINTEXT listener", () => {
  it.each<KafkaSaslMechanism>(["scram-sha-256", "scram-sha-512", "plain"])(
    "%s authenticates and produces",
    async (mechanism) => {
      const topic = uniqueTopic(`sasl-${mechanism}`);
      await probe.createTopic(topic, { partitions: 1 });
      const transport = kafkaTransport({ brokers: [saslBroker], sasl: { mechanism, ...user } });
      try {
        await transport.connect();
        const [result] = await transport.send(
          makeBatch(topic, 0, [makeRecord(topic, 0, mechanism)]),
          sendContext(),
        );
        expect(result).toMatchObject({ ok: true, offset: "0" });
      } finally {
        await transport.close();
      }
      const [read] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
      expect(text(read?.value)).toBe(mechanism);
    },
  );

  it.each<KafkaSaslMechanism>(["scram-sha-256", "scram-sha-512", "plain"])(
    "%s with a wrong password is AUTH_FAILED within a bounded time, and the password is nowhere in the error",
    async (mechanism) => {
      const wrong = "not-the-password-42";
      const transport = kafkaTransport({
        brokers: [saslBroker],
        sasl: { mechanism, username: user.username, password: wrong },
        authenticationTimeout: 5000,
      });
      const { caught, elapsed } = await failedConnect(transport);
      expect(caught).toMatchObject({ code: "AUTH_FAILED", kind: "terminal", transport: "kafka" });
      expect(elapsed).toBeLessThan(6000);
      const error = caught as Error;
      expect(error.message).not.toContain(wrong);
      expect(JSON.stringify(error)).not.toContain(wrong);
      expect(String((error.cause as Error | undefined)?.message)).not.toContain(wrong);
    },
  );

  it("a URL with credentials works, and describe() does not show the password", async () => {
    const transport = kafkaTransport({
      url: `kafka://${user.username}:${user.password}@${saslBroker}?sasl=scram-sha-256`,
    });
    try {
      expect(transport.describe()).not.toContain(user.password);
      await transport.connect();
      const topic = uniqueTopic("sasl-url");
      expect(await transport.partitions(topic)).toBe(1);
    } finally {
      await transport.close();
    }
  });

  it("TLS against a plaintext listener is a terminal AUTH_FAILED (TLS handshake failed), at once", async () => {
    // The broker has no TLS listener here; this is the misconfiguration users meet most.
    const transport = kafkaTransport({
      brokers: [brokerEndpoints().kafka],
      ssl: true,
      connectionTimeout: 2000,
    });
    const { caught, elapsed } = await failedConnect(transport);
    // The broker drops the ClientHello; retrying cannot help until the configuration changes.
    expect(caught).toMatchObject({
      name: "OutboundError",
      transport: "kafka",
      code: "AUTH_FAILED",
      kind: "terminal",
    });
    expect((caught as Error).message).toContain("TLS handshake failed");
    expect(elapsed).toBeLessThan(10_000);
  });
});

/** Connects, expecting a failure: what was thrown, and how long it took to be thrown. */
async function failedConnect(transport: {
  connect(): Promise<void>;
  close(): Promise<void>;
}): Promise<{ caught: unknown; elapsed: number }> {
  const started = Date.now();
  let caught: unknown;
  try {
    await transport.connect();
  } catch (error) {
    caught = error;
  } finally {
    await transport.close();
  }
  return { caught, elapsed: Date.now() - started };
}
