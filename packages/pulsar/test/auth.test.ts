import { createHmac, randomBytes } from "node:crypto";
import { createProducer, type Logger, OutboundError } from "@outbound/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import { ensureBrokers } from "../../../tools/brokers/index.mjs";
import { pulsarTransport } from "../src/index.js";
import { uniqueTopic } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

/**
 * Token authentication against `pulsar-auth`, a second standalone with authentication on (token
 * provider, HS256). The global setup of the pulsar project starts only the plain broker, so this
 * file starts the other itself; a start takes up to two minutes on a busy machine. It takes no
 * exclusive-broker lock: the restart and stall tests touch only the plain broker.
 */

/** A well-formed HS256 JWT for the right subject, signed with a secret the broker does not know. */
function foreignToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: "outbound-test" })}`;
  const signature = createHmac("sha256", randomBytes(32)).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

/** A logger that keeps every line, so a test can look for secrets in it. */
function recordingLogger(): Logger & { text(): string } {
  const lines: string[] = [];
  const keep = (obj: unknown, msg?: string) => lines.push(`${msg ?? ""} ${JSON.stringify(obj)}`);
  return { debug: keep, info: keep, warn: keep, error: keep, text: () => lines.join("\n") };
}

/** Everything an error exposes: message, details, cause chain. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, String(current.stack), JSON.stringify(current));
    current = current.cause;
  }
  return parts.join("\n");
}

/** Bound on how long a refused connection may take to be reported: never a hang. */
const REFUSAL_BOUND_MS = 15_000;

let url = "";
let http = "";
let token = "";

beforeAll(async () => {
  await ensureBrokers(["pulsar-auth"]);
  ({ pulsarAuth: url, pulsarAuthHttp: http, pulsarAuthToken: token } = endpoints());
}, 5 * 60_000);

describe("Pulsar token authentication", { timeout: 60_000 }, () => {
  const probe = () => createPulsarProbe({ httpUrl: http, token });
  let opened: ReturnType<typeof createPulsarProbe> | undefined;
  afterAll(() => opened?.close());

  it("the broker really requires a token: admin REST without one is refused", async () => {
    expect(token.length).toBeGreaterThan(20);
    const response = await fetch(`${http}/admin/v2/tenants`);
    expect(response.status).toBe(401);
    const allowed = await fetch(`${http}/admin/v2/tenants`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(allowed.status).toBe(200);
  });

  it("a valid token produces, and the messages read back through the authenticated WebSocket reader", async () => {
    const topic = uniqueTopic("auth");
    const logger = recordingLogger();
    const producer = createProducer({
      transport: "pulsar",
      pulsar: { serviceUrl: url, token, operationTimeoutMs: 15_000 },
      serializer: "string",
      logger,
    });
    try {
      const reports = await Promise.all(
        ["one", "two", "three"].map((value) => producer.send({ topic, value })),
      );
      expect(reports.every((report) => report.messageId !== undefined)).toBe(true);
      const description = JSON.stringify(producer.describeConfig());
      // The section with the token is printed, with the token masked.
      expect(description).toContain('"token"');
      expect(description).not.toContain(token);
      opened = probe();
      const read = await opened.read(topic, { count: 3, timeoutMs: 20_000 });
      expect(read.map((message) => Buffer.from(message.value).toString())).toEqual(["one", "two", "three"]);
    } finally {
      await producer.close();
    }
    expect(logger.text()).not.toContain(token);
  });

  for (const [label, badToken] of [
    ["a token signed with another secret", foreignToken()],
    ["a missing token", undefined],
  ] as const) {
    it(`${label} gives AUTH_FAILED within ${REFUSAL_BOUND_MS / 1000} s, never a hang, and leaks nothing`, async () => {
      const logger = recordingLogger();
      const transport = pulsarTransport({
        serviceUrl: url,
        operationTimeoutMs: 15_000,
        connectionTimeoutMs: 10_000,
        ...(badToken === undefined ? {} : { token: badToken }),
      });
      const producer = createProducer({ transport, serializer: "string", logger, deliveryTimeoutMs: 30_000 });
      const started = Date.now();
      try {
        const failure = await producer.send({ topic: uniqueTopic("auth-refused"), value: "x" }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(Date.now() - started).toBeLessThan(REFUSAL_BOUND_MS);
        expect(failure).toBeInstanceOf(OutboundError);
        expect((failure as OutboundError).code).toBe("AUTH_FAILED");
        expect((failure as OutboundError).kind).toBe("terminal");

        const direct = await transport.connect().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect((direct as OutboundError).code).toBe("AUTH_FAILED");

        for (const secret of [token, badToken].filter((t): t is string => typeof t === "string")) {
          expect(errorText(failure)).not.toContain(secret);
          expect(errorText(direct)).not.toContain(secret);
          expect(logger.text()).not.toContain(secret);
          expect(transport.describe()).not.toContain(secret);
          expect(JSON.stringify(producer.describeConfig())).not.toContain(secret);
        }
      } finally {
        await producer.close();
      }
    });
  }
});
