import { describe, expect, it } from "vitest";
import {
  createProducer,
  envNameFor,
  OutboundError,
  parseProducerConfig,
  redactConfig,
  redactUrl,
} from "../src/index.js";

function configError(fn: () => unknown): OutboundError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected an OutboundError, nothing was thrown");
}

describe("bad config catalogue", () => {
  it("an unknown URL scheme is UNKNOWN_TRANSPORT and lists the known schemes", () => {
    const e = configError(() => createProducer({ url: "mqtt://127.0.0.1:1883" }));
    expect(e.code).toBe("UNKNOWN_TRANSPORT");
    expect(e.message).toContain('"mqtt://"');
    expect(e.message).toContain("kafka://");
  });

  it("an unknown transport name is UNKNOWN_TRANSPORT", () => {
    const e = configError(() => createProducer({ transport: "nats" }));
    expect(e.code).toBe("UNKNOWN_TRANSPORT");
    expect(e.message).toContain('"nats"');
  });

  it("a missing url and transport names the field", () => {
    const e = configError(() => parseProducerConfig({}, {}));
    expect(e.code).toBe("INVALID_CONFIG");
    expect(e.message).toContain("url:");
  });

  it("wrong types name each field and what was received", () => {
    const e = configError(() =>
      parseProducerConfig(
        {
          url: "memory://",
          lingerMs: "5" as unknown as number,
          acks: "most" as "all",
          onBufferFull: "drop" as "block",
        },
        {},
      ),
    );
    expect(e.code).toBe("INVALID_CONFIG");
    expect(e.message).toMatch(/lingerMs: .*got "5"/);
    expect(e.message).toContain("acks:");
    expect(e.message).toContain("onBufferFull:");
    expect(e.details?.problems).toHaveLength(3);
  });

  it("a negative timeout is refused", () => {
    const e = configError(() => parseProducerConfig({ url: "memory://", deliveryTimeoutMs: -1 }, {}));
    expect(e.code).toBe("INVALID_CONFIG");
    expect(e.message).toContain("deliveryTimeoutMs");
    expect(e.message).toContain("-1");
  });

  it("an unknown option is reported, so typos do not pass silently", () => {
    const e = configError(() => parseProducerConfig({ url: "memory://", lingerMS: 5 } as never, {}));
    expect(e.message).toContain("lingerMS: unknown option");
  });

  it("retry.maxMs below retry.initialMs is refused", () => {
    const e = configError(() =>
      parseProducerConfig({ url: "memory://", retry: { initialMs: 500, maxMs: 100 } }, {}),
    );
    expect(e.message).toContain("retry.maxMs");
  });

  it("a non-object config is refused", () => {
    const e = configError(() => parseProducerConfig("kafka://x" as never, {}));
    expect(e.code).toBe("INVALID_CONFIG");
  });

  it("an invalid serializer or partitioner is INVALID_CONFIG", () => {
    expect(configError(() => createProducer({ url: "memory://", serializer: "xml" as "json" })).code).toBe(
      "INVALID_CONFIG",
    );
    expect(
      configError(() => createProducer({ url: "memory://", partitioner: "crc" as "murmur2" })).code,
    ).toBe("INVALID_CONFIG");
  });
});

describe("credentials", () => {
  it("a password in a URL is redacted in the error for a bad URL", () => {
    const e = configError(() => createProducer({ url: "mqtt://admin:hunter2@127.0.0.1" }));
    expect(e.message).not.toContain("hunter2");
  });

  it("a password in a URL never reaches describeConfig", () => {
    const producer = createProducer({ url: "amqp://guest:s3cret-pw@127.0.0.1:5672/vhost" });
    const printed = JSON.stringify(producer.describeConfig());
    expect(printed).not.toContain("s3cret-pw");
    expect(printed).toContain("amqp://guest:***@127.0.0.1:5672/vhost");
  });

  it("redactUrl masks passwords and secret query parameters", () => {
    expect(redactUrl("kafka://u:p4ss@h:9092")).toBe("kafka://u:***@h:9092");
    expect(redactUrl("pulsar://h:6650?token=abc.def&x=1")).toBe("pulsar://h:6650?token=***&x=1");
    expect(redactUrl("not a url user:pw@x")).not.toContain("pw@");
  });

  it("redactConfig masks secret-looking keys at any depth", () => {
    const out = JSON.stringify(
      redactConfig({
        kafka: { sasl: { mechanism: "scram-sha-256", username: "u", password: "pw1" } },
        sqs: { credentials: { accessKeyId: "AK", secretAccessKey: "SK" } },
        pulsar: { token: "jwt" },
      }),
    );
    for (const secret of ["pw1", "SK", "jwt"]) expect(out).not.toContain(secret);
    expect(out).toContain("scram-sha-256");
  });

  it("a bad URL in a field error is redacted", () => {
    const e = configError(() => parseProducerConfig({ url: "" }, {}));
    expect(e.code).toBe("INVALID_CONFIG");
  });
});

describe("environment", () => {
  it("maps option names to OUTBOUND_* variables", () => {
    expect(envNameFor("lingerMs")).toBe("OUTBOUND_LINGER_MS");
    expect(envNameFor("url")).toBe("OUTBOUND_URL");
  });

  it("reads OUTBOUND_URL and numeric options; explicit config wins", () => {
    const parsed = parseProducerConfig(
      { acks: "leader" },
      {
        OUTBOUND_URL: "memory://",
        OUTBOUND_LINGER_MS: "7",
        OUTBOUND_ACKS: "none",
        OUTBOUND_TEST_KAFKA: "ignored:9092",
      },
    );
    expect(parsed.options.url).toBe("memory://");
    expect(parsed.options.lingerMs).toBe(7);
    expect(parsed.options.acks).toBe("leader");
  });

  it("a non-numeric environment number is INVALID_CONFIG naming the variable", () => {
    const e = configError(() =>
      parseProducerConfig(undefined, { OUTBOUND_URL: "memory://", OUTBOUND_LINGER_MS: "soon" }),
    );
    expect(e.message).toContain("OUTBOUND_LINGER_MS");
  });
});

describe("registry", () => {
  it("picks the transport by URL scheme", async () => {
    const { findTransport } = await import("../src/registry/index.js");
    expect(findTransport({ url: "kafka://127.0.0.1:9092" }).name).toBe("kafka");
    expect(findTransport({ url: "amqps://h" }).name).toBe("rabbitmq");
    expect(findTransport({ url: "pulsar+ssl://h:6651" }).name).toBe("pulsar");
  });

  it("a transport package that is not installed is TRANSPORT_NOT_INSTALLED with the install command", async () => {
    const { registerTransportPackage } = await import("../src/registry/index.js");
    registerTransportPackage({
      name: "ghost",
      schemes: ["ghost"],
      packageName: "@outbound-test/ghost-transport",
    });
    const producer = createProducer({ url: "ghost://127.0.0.1:1" });
    const error = await producer.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ code: "TRANSPORT_NOT_INSTALLED" });
    expect((error as Error).message).toContain("npm install @outbound-test/ghost-transport");
  });

  it("a transport name that disagrees with the URL scheme is INVALID_CONFIG", () => {
    const e = configError(() => createProducer({ transport: "kafka", url: "amqp://h" }));
    expect(e.code).toBe("INVALID_CONFIG");
  });
});
