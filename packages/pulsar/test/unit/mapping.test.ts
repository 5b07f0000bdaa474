import { record as contractRecord } from "@outbound/contract";
import type { OutboundRecord } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { parseBrokerUrl, redactUrl } from "../../src/client/service-url.js";
import { fullTopicName, partitionTopicName } from "../../src/client/topic-name.js";
import { resolvePulsarOptions } from "../../src/config.js";
import { serverError } from "../../src/errors.js";
import { transport } from "../../src/index.js";
import { mapRecord } from "../../src/mapping.js";

function record(extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord("t", extra.value ?? new Uint8Array([1, 2]), {
    contentType: "application/json",
    timestamp: 1_700_000_000_000,
    ...extra,
  });
}

describe("topic names", () => {
  it("expands short names the way the Java client does", () => {
    expect(fullTopicName("orders")).toBe("persistent://public/default/orders");
    expect(fullTopicName("acme/prod/orders")).toBe("persistent://acme/prod/orders");
    expect(fullTopicName("non-persistent://acme/prod/orders")).toBe("non-persistent://acme/prod/orders");
    expect(partitionTopicName("persistent://public/default/o", 2)).toBe(
      "persistent://public/default/o-partition-2",
    );
  });

  it("rejects names Pulsar cannot take", () => {
    for (const bad of ["", " x", "a/b", "a//b", "persistent://a/b", "persistent://a//b/c"]) {
      expect(fullTopicName(bad), bad).toBeUndefined();
    }
  });
});

describe("service URLs", () => {
  it("parses pulsar:// and pulsar+ssl:// with default ports", () => {
    expect(parseBrokerUrl("pulsar://127.0.0.1")).toMatchObject({
      port: 6650,
      tls: false,
      hostPort: "127.0.0.1:6650",
    });
    expect(parseBrokerUrl("pulsar+ssl://broker.example:6651/")).toMatchObject({ port: 6651, tls: true });
    expect(parseBrokerUrl("pulsar://a:1,b:2")).toMatchObject({ host: "a", port: 1 });
    expect(() => parseBrokerUrl("http://x:1")).toThrow(/not a pulsar/);
  });

  it("never echoes URL credentials", () => {
    expect(redactUrl("pulsar://user:secret@host:6650")).toBe("pulsar://***@host:6650");
    expect(() => parseBrokerUrl("kafka://user:secret@host")).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining("secret") }),
    );
  });
});

describe("config", () => {
  it("takes the producer url when serviceUrl is absent and applies defaults", () => {
    const config = resolvePulsarOptions(undefined, { url: "pulsar://127.0.0.1:6650" });
    expect(config).toMatchObject({ accessMode: "Shared", compression: "none", batchMaxRecords: 1000 });
  });

  it.each([
    [{}, "serviceUrl"],
    [{ serviceUrl: "http://x" }, "serviceUrl"],
    [{ serviceUrl: "pulsar://x", compression: "snappy" }, "compression"],
    [{ serviceUrl: "pulsar://x", accessMode: "Solo" }, "accessMode"],
    [{ serviceUrl: "pulsar://x", batchMaxRecords: 0 }, "batchMaxRecords"],
    [{ serviceUrl: "pulsar://x", token: "" }, "token"],
  ])("refuses %j with INVALID_CONFIG naming %s", (options, name) => {
    expect(() => resolvePulsarOptions(options as never)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(name) }),
    );
  });

  it("keeps the token out of what describe() prints", () => {
    const created = transport.create({
      options: { serviceUrl: "pulsar://127.0.0.1:6650", token: "s3cret-token" },
      clientId: "t",
      logger: console,
    });
    expect(created.describe?.()).toBe("pulsar://127.0.0.1:6650");
    expect(JSON.stringify(created.capabilities)).not.toContain("s3cret");
  });
});

describe("record mapping", () => {
  it("maps headers, content type, id, key, event time and delay", () => {
    const mapped = mapRecord(
      record({
        headers: { a: "1", b: new TextEncoder().encode("two") },
        id: "m-1",
        key: new TextEncoder().encode("k"),
        delayMs: 500,
      }),
      1_000,
    );
    expect(mapped).toMatchObject({
      deliverAtTime: 1_500,
      message: {
        metadata: {
          properties: [
            { key: "a", value: "1" },
            { key: "b", value: "two" },
            { key: "content-type", value: "application/json" },
            { key: "message-id", value: "m-1" },
          ],
          partition_key: "k",
          event_time: 1_700_000_000_000,
        },
      },
    });
  });

  it("sends a non-UTF-8 key base64-encoded with the b64 flag, and raw as ordering key", () => {
    const key = new Uint8Array([0xff, 0x00]);
    const mapped = mapRecord(record({ key }), 0);
    expect(mapped).toMatchObject({
      message: { metadata: { partition_key: "/wA=", partition_key_b64_encoded: true, ordering_key: key } },
    });
  });

  it("lets a user content-type header win over the serializer's", () => {
    const mapped = mapRecord(record({ headers: { "content-type": "text/csv" } }), 0);
    expect(mapped).toMatchObject({
      message: { metadata: { properties: [{ key: "content-type", value: "text/csv" }] } },
    });
  });

  it("refuses a binary header that is not UTF-8 with INVALID_MESSAGE", () => {
    expect(mapRecord(record({ headers: { x: new Uint8Array([0xc3]) } }), 0)).toMatchObject({
      code: "INVALID_MESSAGE",
    });
  });
});

describe("server errors", () => {
  it.each([
    [3, "AUTH_FAILED", "terminal"],
    [4, "NOT_AUTHORIZED", "terminal"],
    [6, "BROKER_UNAVAILABLE", "retriable"],
    [7, "THROTTLED", "throttled"],
    [11, "UNKNOWN_DESTINATION", "terminal"],
    [14, "THROTTLED", "throttled"],
    [25, "REJECTED", "terminal"],
    [99, "INTERNAL", "terminal"],
  ])("ServerError %i maps to %s (%s)", (code, expected, kind) => {
    expect(serverError(code, "detail", "ctx")).toMatchObject({ code: expected, kind, transport: "pulsar" });
  });
});
