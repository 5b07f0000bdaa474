import { inspect } from "node:util";
import { configError } from "@outbound/kafka-test-kit";
import { describe, expect, it } from "vitest";
import { kafkajsTransport, resolveKafkajsOptions } from "../../src/index.js";

// The options both Kafka transports share are tested in packages/kafka-common.
describe("kafkajs transport options", () => {
  it("keeps idempotence off unless asked, and then one request in flight", () => {
    expect(resolveKafkajsOptions({ brokers: ["h:1"] }).idempotent).toBe(false);
    expect(resolveKafkajsOptions({ brokers: ["h:1"], idempotent: true }).maxInFlightRequests).toBe(1);
    expect(
      configError(() => resolveKafkajsOptions({ brokers: ["h:1"], idempotent: true, maxInFlightRequests: 5 }))
        .message,
    ).toContain('"maxInFlightRequests"');
  });

  it("refuses snappy, which it has no codec for, and a socketFactory that is not a function", () => {
    expect(
      configError(() => resolveKafkajsOptions({ brokers: ["h:1"], compression: "snappy" })).transport,
    ).toBe("kafkajs");
    configError(() => resolveKafkajsOptions({ brokers: ["h:1"], socketFactory: "nope" as never }));
  });

  it("takes kafkajs:// and kafka:// URLs", () => {
    expect(resolveKafkajsOptions(undefined, { url: "kafkajs://a:1" }).brokers).toEqual(["a:1"]);
    expect(resolveKafkajsOptions(undefined, { url: "kafka://b:2" }).brokers).toEqual(["b:2"]);
  });

  it("keeps credentials out of the transport's description, inspect() and JSON", () => {
    const secret = "outbound-secret-value";
    const transport = kafkajsTransport({
      brokers: ["127.0.0.1:9094"],
      sasl: { mechanism: "scram-sha-256", username: "outbound", password: secret },
      ssl: { key: "PRIVATE KEY", passphrase: secret, servername: "kafka.local" },
    });
    expect(transport.describe()).toBe("kafkajs://127.0.0.1:9094 (tls, sasl scram-sha-256 as outbound)");
    expect(inspect(transport, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(transport)).not.toContain(secret);
  });
});
