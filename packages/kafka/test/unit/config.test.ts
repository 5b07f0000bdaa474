import { inspect } from "node:util";
import { OutboundError } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { parseKafkaUrl, redactKafkaOptions, resolveKafkaOptions } from "../../src/config.js";
import { kafkaTransport } from "../../src/index.js";

function configError(run: () => unknown): OutboundError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).code).toBe("INVALID_CONFIG");
    return error as OutboundError;
  }
  throw new Error("expected INVALID_CONFIG");
}

describe("kafka options", () => {
  it("fills defaults", () => {
    const options = resolveKafkaOptions({ brokers: ["127.0.0.1:9092"] });
    expect(options).toMatchObject({
      brokers: ["127.0.0.1:9092"],
      clientId: "outbound",
      compression: "none",
      idempotent: false,
      connectionTimeout: 3000,
      requestTimeout: 30000,
      authenticationTimeout: 10000,
      maxMessageBytes: 1_048_588,
      allowAutoTopicCreation: true,
    });
    expect(options.maxBatchBytes).toBe(524_294);
  });

  it("requires brokers and names the option", () => {
    expect(configError(() => resolveKafkaOptions({})).message).toContain('"brokers"');
    expect(configError(() => resolveKafkaOptions({ brokers: ["no-port"] })).message).toContain("host:port");
  });

  it.each([
    [{ compression: "snappy" }, '"compression"'],
    [{ connectionTimeout: -1 }, '"connectionTimeout"'],
    [{ requestTimeout: 1.5 }, '"requestTimeout"'],
    [{ authenticationTimeout: "10" }, '"authenticationTimeout"'],
    [{ sasl: { mechanism: "gssapi", username: "u", password: "p" } }, '"sasl.mechanism"'],
    [{ sasl: { mechanism: "plain", username: "u" } }, '"sasl.password"'],
    [{ idempotent: true, maxInFlightRequests: 5 }, '"maxInFlightRequests"'],
    [{ maxMessageBytes: 1000, maxBatchBytes: 2000 }, '"maxBatchBytes"'],
  ])("rejects %j", (bad, option) => {
    const error = configError(() => resolveKafkaOptions({ brokers: ["h:1"], ...(bad as object) }));
    expect(error.message).toContain(option);
    expect(error.transport).toBe("kafka");
  });

  it("accepts each SASL mechanism and compression", () => {
    for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as const) {
      expect(
        resolveKafkaOptions({ brokers: ["h:1"], sasl: { mechanism, username: "u", password: "p" } }).sasl
          ?.mechanism,
      ).toBe(mechanism);
    }
    for (const compression of ["none", "gzip", "lz4", "zstd"] as const) {
      expect(resolveKafkaOptions({ brokers: ["h:1"], compression }).compression).toBe(compression);
    }
  });

  it("keeps the idempotent producer at one request in flight", () => {
    expect(resolveKafkaOptions({ brokers: ["h:1"], idempotent: true }).maxInFlightRequests).toBe(1);
  });

  it("parses kafka:// URLs with several brokers, SASL and parameters", () => {
    expect(parseKafkaUrl("kafka://a:9092,b:9093")).toEqual({ brokers: ["a:9092", "b:9093"] });
    expect(parseKafkaUrl("kafka://bob:s%40cret@a:9094?sasl=scram-sha-512&ssl=true&compression=zstd")).toEqual(
      {
        brokers: ["a:9094"],
        sasl: { mechanism: "scram-sha-512", username: "bob", password: "s@cret" },
        ssl: true,
        compression: "zstd",
      },
    );
    const resolved = resolveKafkaOptions(
      { compression: "gzip" },
      { url: "kafka://a:1?compression=lz4", clientId: "app" },
    );
    expect(resolved.compression).toBe("gzip");
    expect(resolved.clientId).toBe("app");
  });

  it("never echoes a password in an error about the URL", () => {
    const error = configError(() => parseKafkaUrl("kafka://bob:hunter2@"));
    expect(error.message).not.toContain("hunter2");
  });
});

describe("credentials stay out of printed config", () => {
  const secret = "outbound-secret-value";
  const options = {
    brokers: ["127.0.0.1:9094"],
    sasl: { mechanism: "scram-sha-256" as const, username: "outbound", password: secret },
    ssl: { key: "PRIVATE KEY", passphrase: secret, servername: "kafka.local" },
  };

  it("redacts the password and TLS private material", () => {
    const printed = JSON.stringify(redactKafkaOptions(resolveKafkaOptions(options)));
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain("PRIVATE KEY");
    expect(printed).toContain("outbound");
    expect(printed).toContain("kafka.local");
  });

  it("keeps them out of the transport's description, inspect() and JSON", () => {
    const transport = kafkaTransport(options);
    expect(transport.describe()).toBe("kafka://127.0.0.1:9094 (tls, sasl scram-sha-256 as outbound)");
    expect(inspect(transport, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(transport)).not.toContain(secret);
  });

  it("keeps them out of errors about bad options", () => {
    const error = configError(() => resolveKafkaOptions({ ...options, compression: "brotli" as never }));
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  });
});

describe("transactional id", () => {
  it("implies the idempotent producer and refuses an explicit idempotent: false", () => {
    expect(resolveKafkaOptions({ brokers: ["h:1"], transactionalId: "tx" }).idempotent).toBe(true);
    configError(() => resolveKafkaOptions({ brokers: ["h:1"], transactionalId: "tx", idempotent: false }));
  });
});
