import { inspect } from "node:util";
import { createProducer } from "@outbound/core";
import { configError } from "@outbound/kafka-test-kit";
import { describe, expect, it } from "vitest";
import { kafkaTransport, resolveKafkaOptions, transport } from "../../src/index.js";

// The options both Kafka transports share are tested in packages/kafka-common.
describe("kafka transport options", () => {
  it("is idempotent by default, as the Java producer is since Kafka 3.0, with five requests in flight", () => {
    const options = resolveKafkaOptions({ brokers: ["h:1"] });
    expect(options).toMatchObject({ idempotent: true, maxInFlightRequests: 5, transactionTimeoutMs: 60_000 });
    expect(kafkaTransport({ brokers: ["h:1"] }).capabilities).toMatchObject({
      acks: ["all"],
      orderedInFlight: 5,
      retries: "transport",
      dedup: { supported: true },
    });
  });

  it("turns idempotence off by default when the producer asks for acks other than all", () => {
    expect(resolveKafkaOptions({ brokers: ["h:1"] }, { acks: "leader" }).idempotent).toBe(false);
    const created = transport.create({
      options: { brokers: ["h:1"] },
      clientId: "c",
      logger: console,
      acks: "none",
    });
    expect(created.capabilities.acks).toEqual(["none", "leader", "all"]);
    expect(created.capabilities.orderedInFlight).toBe(1);
  });

  it("refuses more than five requests in flight for the idempotent producer", () => {
    expect(
      configError(() => resolveKafkaOptions({ brokers: ["h:1"], maxInFlightRequests: 6 })).message,
    ).toContain("at most 5");
    expect(
      resolveKafkaOptions({ brokers: ["h:1"], idempotent: false, maxInFlightRequests: 10 })
        .maxInFlightRequests,
    ).toBe(10);
  });

  it("refuses a brokerAddress that is not a function, and an unknown option with a suggestion", () => {
    configError(() => resolveKafkaOptions({ brokers: ["h:1"], brokerAddress: "h:2" as never }));
    expect(
      configError(() => resolveKafkaOptions({ brokers: ["h:1"], maxInflightRequests: 1 } as never)).message,
    ).toContain('did you mean "maxInFlightRequests"');
  });

  it("refuses a typo in the kafka section with INVALID_CONFIG on connect, before any network traffic", () => {
    // The section is validated when the transport is created, which createProducer does lazily:
    // connect() surfaces it with no network traffic.
    // The typo is a compile error too, through the TransportOptionsMap merge in src/config.ts; if
    // that merge stopped applying, this directive would be unused and the typecheck would fail.
    // @ts-expect-error "idempotant" is not a Kafka option
    const producer = createProducer({ transport: "kafka", kafka: { brokers: ["h:1"], idempotant: true } });
    return expect(producer.connect()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
  });

  it("keeps credentials out of the transport's description, inspect() and JSON", () => {
    const secret = "outbound-secret-value";
    const t = kafkaTransport({
      brokers: ["127.0.0.1:9094"],
      sasl: { mechanism: "scram-sha-256", username: "outbound", password: secret },
      ssl: { key: "PRIVATE KEY", passphrase: secret, servername: "kafka.local" },
    });
    expect(t.describe()).toBe("kafka://127.0.0.1:9094 (tls, sasl scram-sha-256 as outbound)");
    expect(inspect(t, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(t)).not.toContain(secret);
  });
});
