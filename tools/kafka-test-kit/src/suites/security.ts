import { readFileSync } from "node:fs";
import type { KafkaPasswordSaslOptions } from "@outbound/kafka-common";
import { afterAll, describe, expect, it } from "vitest";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

type PasswordMechanism = KafkaPasswordSaslOptions["mechanism"];

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

/**
 * SASL PLAIN, SCRAM and OAUTHBEARER against the broker's SASL listeners, and TLS misconfiguration.
 * The listeners and their test-only user come from tools/brokers (docs/testing.md).
 */
export function securitySuite(subject: KafkaSubject): void {
  const saslBroker = brokerEndpoints().kafkaSasl;
  const user = { username: "outbound", password: "outbound-secret" };
  const probe = createKafkaProbe({ brokers: [brokerEndpoints().kafka] });
  afterAll(() => probe.close());

  async function producesThrough(
    transport: ReturnType<KafkaSubject["transport"]>,
    value: string,
  ): Promise<void> {
    const topic = uniqueTopic(`sasl-${subject.name}`);
    await probe.createTopic(topic, { partitions: 1 });
    try {
      await transport.connect();
      const [result] = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, value)]),
        sendContext(),
      );
      expect(result).toMatchObject({ ok: true, offset: "0" });
    } finally {
      await transport.close();
    }
    const [read] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
    expect(text(read?.value)).toBe(value);
  }

  describe("SASL on the broker's SASL_PLAINTEXT listener", () => {
    it.each<PasswordMechanism>(["scram-sha-256", "scram-sha-512", "plain"])(
      "%s authenticates and produces",
      async (mechanism) => {
        await producesThrough(
          subject.transport({ brokers: [saslBroker], sasl: { mechanism, ...user } }),
          mechanism,
        );
      },
    );

    it.each<PasswordMechanism>(["scram-sha-256", "scram-sha-512", "plain"])(
      "%s with a wrong password is AUTH_FAILED within a bounded time, and the password is nowhere in the error",
      async (mechanism) => {
        const wrong = "not-the-password-42";
        const transport = subject.transport({
          brokers: [saslBroker],
          sasl: { mechanism, username: user.username, password: wrong },
          authenticationTimeoutMs: 5000,
        });
        const { caught, elapsed } = await failedConnect(transport);
        expect(caught).toMatchObject({ code: "AUTH_FAILED", kind: "terminal", transport: subject.name });
        expect(elapsed).toBeLessThan(6000);
        const error = caught as Error;
        expect(error.message).not.toContain(wrong);
        expect(JSON.stringify(error)).not.toContain(wrong);
        expect(String((error.cause as Error | undefined)?.message)).not.toContain(wrong);
      },
    );

    it("a URL with credentials works, and describe() does not show the password", async () => {
      const transport = subject.transport({
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
  });

  describe("SASL/OAUTHBEARER on the broker's OAUTHBEARER listener", () => {
    // The listener validates unsecured JWTs (alg "none"), Kafka's test setup for OAUTHBEARER.
    const token = (sub: string) =>
      `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(
        JSON.stringify({
          sub,
          iat: Math.floor(Date.now() / 1000),
          exp: Math.floor(Date.now() / 1000) + 3600,
        }),
      ).toString("base64url")}.`;

    it("a token callback authenticates and produces, and is called for the connection", async () => {
      let calls = 0;
      const transport = subject.transport({
        brokers: [brokerEndpoints().kafkaOauth],
        sasl: {
          mechanism: "oauthbearer",
          token: async () => {
            calls++;
            return token("outbound");
          },
        },
      });
      await producesThrough(transport, "oauthbearer");
      expect(calls).toBeGreaterThan(0);
    });

    it("a token the broker cannot validate is AUTH_FAILED, and the token is nowhere in the error", async () => {
      const bad = "not.a-valid-token";
      const transport = subject.transport({
        brokers: [brokerEndpoints().kafkaOauth],
        sasl: { mechanism: "oauthbearer", token: () => bad },
        authenticationTimeoutMs: 5000,
      });
      // kafkajs reports the refused token only on the first request after connect(), as
      // ILLEGAL_SASL_STATE; either way nothing is produced and the error is terminal.
      const { caught } = await failedConnect({
        connect: async () => {
          await transport.connect();
          await transport.partitions(uniqueTopic("oauth-refused"));
        },
        close: () => transport.close(),
      });
      expect(caught).toMatchObject({ code: "AUTH_FAILED", kind: "terminal", transport: subject.name });
      expect(JSON.stringify(caught)).not.toContain(bad);
      expect((caught as Error).message).not.toContain(bad);
    });
  });

  describe("TLS", () => {
    it("TLS against a plaintext listener is a terminal AUTH_FAILED (TLS handshake failed), at once", async () => {
      // This is the misconfiguration users meet most.
      const transport = subject.transport({
        brokers: [brokerEndpoints().kafka],
        ssl: true,
        connectionTimeoutMs: 2000,
      });
      const { caught, elapsed } = await failedConnect(transport);
      // The broker drops the ClientHello; retrying cannot help until the configuration changes.
      expect(caught).toMatchObject({
        name: "OutboundError",
        transport: subject.name,
        code: "AUTH_FAILED",
        kind: "terminal",
      });
      expect((caught as Error).message).toContain("TLS handshake failed");
      expect(elapsed).toBeLessThan(10_000);
    });

    it("TLS with the broker's CA produces on the SSL listener", async () => {
      const transport = subject.transport({
        brokers: [brokerEndpoints().kafkaTls],
        ssl: { ca: readFileSync(brokerEndpoints().kafkaTlsCaFile, "utf8") },
      });
      await producesThrough(transport, "over tls");
    });

    it("TLS with a certificate the client does not trust is a terminal AUTH_FAILED", async () => {
      const transport = subject.transport({
        brokers: [brokerEndpoints().kafkaTls],
        ssl: true,
        connectionTimeoutMs: 3000,
      });
      const { caught } = await failedConnect(transport);
      expect(caught).toMatchObject({ code: "AUTH_FAILED", kind: "terminal", transport: subject.name });
    });
  });
}
