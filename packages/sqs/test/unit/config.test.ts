import { inspect } from "node:util";
import { createProducer } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { parseSqsUrl, resolveSqsOptions } from "../../src/config.js";
import { sqsTransport } from "../../src/index.js";

describe("sqs:// URLs", () => {
  it("reads a region-only URL as AWS in that region", () => {
    expect(parseSqsUrl("sqs://eu-west-1")).toEqual({ region: "eu-west-1" });
  });

  it("reads a loopback host as a plain-HTTP endpoint with the region from the query", () => {
    expect(parseSqsUrl("sqs://127.0.0.1:9324?region=us-east-1")).toEqual({
      endpoint: "http://127.0.0.1:9324",
      region: "us-east-1",
    });
    expect(parseSqsUrl("sqs://localhost:4566").endpoint).toBe("http://localhost:4566");
  });

  it("uses HTTPS for other hosts unless tls=false", () => {
    expect(parseSqsUrl("sqs://sqs.example.test").endpoint).toBe("https://sqs.example.test");
    expect(parseSqsUrl("sqs://sqs.example.test:8443?tls=false").endpoint).toBe(
      "http://sqs.example.test:8443",
    );
    expect(parseSqsUrl("sqs://127.0.0.1:9324?tls=true").endpoint).toBe("https://127.0.0.1:9324");
  });

  it("takes URL-encoded credentials from the user info", () => {
    expect(parseSqsUrl("sqs://AKID:se%2Fcret@127.0.0.1:9324").credentials).toEqual({
      accessKeyId: "AKID",
      secretAccessKey: "se/cret",
    });
  });

  it("rejects other schemes, bad tls values and half credentials with INVALID_CONFIG", () => {
    expect(() => parseSqsUrl("kafka://127.0.0.1:9092")).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
    expect(() => parseSqsUrl("sqs://127.0.0.1:9324?tls=maybe")).toThrow(/tls must be true or false/);
    expect(() => parseSqsUrl("sqs://AKID@127.0.0.1:9324")).toThrow(/both an access key id and a secret/);
  });

  it("never echoes an unparsable URL, which may hold a secret", () => {
    try {
      parseSqsUrl("sqs://AKID:s3cr3t@[bad");
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain("s3cr3t");
    }
  });
});

describe("resolveSqsConfig", () => {
  it("defaults to 1 MiB messages and batches, 30 s requests", () => {
    const config = resolveSqsOptions({ region: "us-east-1" });
    expect(config).toMatchObject({
      maxMessageBytes: 1048576,
      maxBatchBytes: 1048576,
      requestTimeoutMs: 30000,
    });
    expect(config.credentials).toBeUndefined();
  });

  it("lets explicit options win over the URL", () => {
    const config = resolveSqsOptions(
      { region: "eu-central-1" },
      { url: "sqs://127.0.0.1:9324?region=us-east-1" },
    );
    expect(config.region).toBe("eu-central-1");
    expect(config.endpoint).toBe("http://127.0.0.1:9324");
  });

  it("accepts the old 256 KiB limit", () => {
    expect(
      resolveSqsOptions({ maxMessageBytes: 256 * 1024, maxBatchBytes: 256 * 1024 }).maxMessageBytes,
    ).toBe(262144);
  });

  it("rejects bad numbers, endpoints and credentials with messages naming the option", () => {
    expect(() => resolveSqsOptions({ maxMessageBytes: 0 })).toThrow(
      /"maxMessageBytes" must be a positive integer/,
    );
    expect(() => resolveSqsOptions({ maxMessageBytes: 2_000_000 })).toThrow(
      /maxBatchBytes .* at least maxMessageBytes/,
    );
    expect(() => resolveSqsOptions({ requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/);
    expect(() => resolveSqsOptions({ endpoint: "ftp://x" })).toThrow(/endpoint must be an http/);
    expect(() => resolveSqsOptions({ credentials: { accessKeyId: "A", secretAccessKey: "" } })).toThrow(
      /secretAccessKey is empty/,
    );
  });

  it("keeps secrets out of inspect, JSON and spread copies of the config", () => {
    const config = resolveSqsOptions({
      credentials: {
        accessKeyId: "AKIAEXAMPLE1234",
        secretAccessKey: "very-secret-value",
        sessionToken: "tok-secret",
      },
    });
    const printed = [
      inspect(config, { depth: 5 }),
      JSON.stringify(config),
      JSON.stringify({ ...config.credentials }),
    ];
    for (const text of printed) {
      expect(text).not.toContain("very-secret-value");
      expect(text).not.toContain("tok-secret");
      expect(text).not.toContain("AKIAEXAMPLE1234");
    }
    expect(inspect(config)).toContain("****1234");
  });

  it("describes the transport without credentials", () => {
    const transport = sqsTransport({
      endpoint: "http://127.0.0.1:9324",
      region: "us-east-1",
      credentials: { accessKeyId: "AKIAEXAMPLE1234", secretAccessKey: "very-secret-value" },
    });
    expect(transport.describe()).toBe("sqs http://127.0.0.1:9324 (us-east-1, static credentials)");
  });
});

describe("the sqs config section", () => {
  it("refuses an unknown key with INVALID_CONFIG naming the closest valid one", () => {
    expect(() => resolveSqsOptions({ requestTimeoutMS: 5 } as never)).toThrow(
      /"sqs.requestTimeoutMS" \(did you mean "requestTimeoutMs"\?\)/,
    );
  });

  it("is a compile error too, and INVALID_CONFIG at connect", async () => {
    // If the TransportOptionsMap merge in src/config.ts stopped applying, this directive would
    // be unused and the typecheck would fail.
    // @ts-expect-error "regoin" is not an SQS option
    const producer = createProducer({ url: "sqs://127.0.0.1:9324", sqs: { regoin: "eu-west-1" } });
    await expect(producer.connect()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await producer.close();
  });
});
