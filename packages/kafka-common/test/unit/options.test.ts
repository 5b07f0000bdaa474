import { OutboundError } from "@outbound/core";
import { describe, expect, it } from "vitest";
import {
  COMPRESSIONS,
  type KafkaOptionsSpec,
  parseKafkaUrl,
  redactKafkaOptions,
  resolveKafkaCommonOptions,
} from "../../src/index.js";

const spec: KafkaOptionsSpec = {
  transport: "kafka",
  compressions: COMPRESSIONS,
  defaultIdempotent: false,
  extraOptionNames: ["maxInFlightRequests"],
  schemes: ["kafka"],
};

const resolve = (options: unknown, context = {}) => resolveKafkaCommonOptions(options, context, spec).common;

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

describe("Kafka options both transports share", () => {
  it("fills defaults", () => {
    expect(resolve({ brokers: ["127.0.0.1:9092"] })).toMatchObject({
      brokers: ["127.0.0.1:9092"],
      clientId: "outbound",
      compression: "none",
      idempotent: false,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 30000,
      authenticationTimeoutMs: 10000,
      maxMessageBytes: 1_048_588,
      maxBatchBytes: 524_294,
      allowAutoTopicCreation: true,
      metadataMaxAgeMs: 300_000,
    });
  });

  it("reads durations under their former names without Ms, and refuses a former and a current name that disagree", () => {
    const former = {
      brokers: ["h:1"],
      connectionTimeout: 1000,
      requestTimeout: 2000,
      authenticationTimeout: 3000,
      metadataMaxAge: 4000,
    };
    expect(resolve(former)).toMatchObject({
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      authenticationTimeoutMs: 3000,
      metadataMaxAgeMs: 4000,
    });
    const both = configError(() => resolve({ brokers: ["h:1"], requestTimeout: 1, requestTimeoutMs: 2 }));
    expect(both.message).toContain('"requestTimeout" is the former name of "requestTimeoutMs"');
    // A former name is validated as the current one is.
    expect(configError(() => resolve({ brokers: ["h:1"], metadataMaxAge: -5 })).message).toContain(
      '"metadataMaxAgeMs"',
    );
  });

  it("bounds the transport's own requests by the producer's request timeout unless the section says otherwise", () => {
    const fromProducer = resolveKafkaCommonOptions({ brokers: ["h:1"] }, { requestTimeoutMs: 7000 }, spec);
    expect(fromProducer.common.requestTimeoutMs).toBe(7000);
    const own = resolveKafkaCommonOptions(
      { brokers: ["h:1"], requestTimeoutMs: 9000 },
      { requestTimeoutMs: 7000 },
      spec,
    );
    expect(own.common.requestTimeoutMs).toBe(9000);
  });

  it("takes the idempotence default from the transport", () => {
    const on = resolveKafkaCommonOptions({ brokers: ["h:1"] }, {}, { ...spec, defaultIdempotent: true });
    expect(on.common.idempotent).toBe(true);
  });

  it("requires brokers and names the option", () => {
    expect(configError(() => resolve({})).message).toContain('"brokers"');
    expect(configError(() => resolve({ brokers: ["no-port"] })).message).toContain("host:port");
  });

  it.each([["127.0.0.1:0"], ["h:65536"], ["h:-1"], [":9092"]])(
    "refuses the broker address %s at once",
    (address) => {
      expect(configError(() => resolve({ brokers: [address] })).message).toContain("1 to 65535");
    },
  );

  it.each([
    [{ compression: "brotli" }, '"compression"'],
    [{ connectionTimeoutMs: -1 }, '"connectionTimeoutMs"'],
    [{ requestTimeoutMs: 1.5 }, '"requestTimeoutMs"'],
    [{ authenticationTimeoutMs: "10" }, '"authenticationTimeoutMs"'],
    [{ sasl: { mechanism: "gssapi", username: "u", password: "p" } }, '"sasl.mechanism"'],
    [{ sasl: { mechanism: "plain", username: "u" } }, '"sasl.password"'],
    [{ sasl: { mechanism: "oauthbearer" } }, '"sasl.token"'],
    [{ sasl: { mechanism: "oauthbearer", token: () => "t", extensions: { a: 1 } } }, '"sasl.extensions"'],
    [{ maxMessageBytes: 1000, maxBatchBytes: 2000 }, '"maxBatchBytes"'],
    [{ transactionalId: "" }, '"transactionalId"'],
    [{ idempotent: "yes" }, '"idempotent"'],
  ])("rejects %j", (bad, option) => {
    const error = configError(() => resolve({ brokers: ["h:1"], ...(bad as object) }));
    expect(error.message).toContain(option);
    expect(error.transport).toBe("kafka");
  });

  it("refuses an unknown option, naming it and the closest valid one", () => {
    const error = configError(() => resolve({ brokers: ["h:1"], idempotant: true }));
    expect(error.message).toContain('"kafka.idempotant"');
    expect(error.message).toContain('did you mean "idempotent"');
    // The transport's own extra options are known.
    expect(resolve({ brokers: ["h:1"], maxInFlightRequests: 3 }).brokers).toEqual(["h:1"]);
  });

  it("accepts each SASL mechanism and compression", () => {
    for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as const) {
      expect(
        resolve({ brokers: ["h:1"], sasl: { mechanism, username: "u", password: "p" } }).sasl?.mechanism,
      ).toBe(mechanism);
    }
    const oauth = resolve({ brokers: ["h:1"], sasl: { mechanism: "OAUTHBEARER", token: "static" } }).sasl;
    expect(oauth?.mechanism).toBe("oauthbearer");
    for (const compression of COMPRESSIONS)
      expect(resolve({ brokers: ["h:1"], compression }).compression).toBe(compression);
  });

  it("refuses a codec the transport does not write", () => {
    const narrow = { ...spec, compressions: ["none", "gzip"] as const };
    expect(
      configError(() => resolveKafkaCommonOptions({ brokers: ["h:1"], compression: "zstd" }, {}, narrow))
        .message,
    ).toContain("none, gzip");
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
    const resolved = resolve(
      { compression: "gzip" },
      { url: "kafka://a:1?compression=lz4", clientId: "app" },
    );
    expect(resolved.compression).toBe("gzip");
    expect(resolved.clientId).toBe("app");
  });

  it("accepts only the schemes the transport answers to", () => {
    expect(parseKafkaUrl("kafkajs://a:1", ["kafkajs", "kafka"], "kafkajs").brokers).toEqual(["a:1"]);
    expect(configError(() => parseKafkaUrl("kafkajs://a:1", ["kafka"])).message).toContain(
      "kafka://host:port",
    );
  });

  it("refuses oauthbearer in a URL: the token needs a callback", () => {
    expect(configError(() => parseKafkaUrl("kafka://a:1?sasl=oauthbearer")).message).toContain("sasl.token");
  });

  it("never echoes a password in an error about the URL", () => {
    const error = configError(() => parseKafkaUrl("kafka://bob:hunter2@"));
    expect(error.message).not.toContain("hunter2");
  });

  it("implies the idempotent producer for a transactional id and refuses an explicit idempotent: false", () => {
    expect(resolve({ brokers: ["h:1"], transactionalId: "tx" }).idempotent).toBe(true);
    configError(() => resolve({ brokers: ["h:1"], transactionalId: "tx", idempotent: false }));
  });
});

describe("credentials stay out of printed config", () => {
  const secret = "outbound-secret-value";

  it("redacts the password and TLS private material", () => {
    const printed = JSON.stringify(
      redactKafkaOptions(
        resolve({
          brokers: ["127.0.0.1:9094"],
          sasl: { mechanism: "scram-sha-256", username: "outbound", password: secret },
          ssl: { key: "PRIVATE KEY", passphrase: secret, servername: "kafka.local" },
        }),
      ),
    );
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain("PRIVATE KEY");
    expect(printed).toContain("outbound");
    expect(printed).toContain("kafka.local");
  });

  it("redacts an OAUTHBEARER token source", () => {
    const printed = JSON.stringify(
      redactKafkaOptions(resolve({ brokers: ["h:1"], sasl: { mechanism: "oauthbearer", token: secret } })),
    );
    expect(printed).not.toContain(secret);
  });

  it("keeps them out of errors about bad options", () => {
    const error = configError(() =>
      resolve({
        brokers: ["h:1"],
        sasl: { mechanism: "plain", username: "u", password: secret },
        compression: "brotli",
      }),
    );
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  });
});
