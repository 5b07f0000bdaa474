import { OutboundError } from "@outbound/core";
import { CloudEvent } from "cloudevents";
import { describe, expect, it } from "vitest";
import {
  BINDINGS,
  bindingFor,
  type EncodeOptions,
  encodeCloudEvent,
  fromMessage,
  STRUCTURED_CONTENT_TYPE,
} from "../src/index.js";

const base = {
  specversion: "1.0",
  id: "evt-1",
  source: "/shop/orders",
  type: "com.example.order.created",
} as const;

const kafka: EncodeOptions = { binding: BINDINGS.kafka, serializerContentType: "application/json" };

function refusal(run: () => unknown): OutboundError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected the event to be refused");
}

describe("bindingFor", () => {
  it("picks the binding from the transport name", () => {
    expect(bindingFor("kafka").prefix).toBe("ce_");
    expect(bindingFor("kafkajs").name).toBe("kafka");
    expect(bindingFor("rabbitmq").prefix).toBe("cloudEvents:");
    expect(bindingFor("sqs")).toMatchObject({ prefix: "ce_", maxHeaders: 8 });
    expect(bindingFor("pulsar").name).toBe("pulsar");
    expect(bindingFor("memory").name).toBe("memory");
  });

  it("refuses an unknown transport without an explicit binding, and takes one when given", () => {
    const error = refusal(() => bindingFor("nats"));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain('transport "nats"');
    expect(bindingFor("nats", "kafka").name).toBe("kafka");
  });

  it("every SQS header name the binding makes is a valid SQS attribute name", () => {
    for (const name of [
      "id",
      "source",
      "type",
      "specversion",
      "subject",
      "time",
      "dataschema",
      "partitionkey",
    ]) {
      expect(BINDINGS.sqs.prefix + name).toMatch(/^[A-Za-z0-9_.-]{1,256}$/);
    }
  });
});

describe("binary content mode", () => {
  it("maps every attribute but datacontenttype to a prefixed header and keeps data as the value", () => {
    const event = {
      ...base,
      subject: "ord-1001",
      time: "2026-01-02T03:04:05.678Z",
      dataschema: "https://example.com/order.json",
      datacontenttype: "application/json",
      tenant: "acme",
      data: { totalCents: 4200 },
    };
    const { message, serializedContentType, mode } = encodeCloudEvent("orders", event, kafka);
    expect(mode).toBe("binary");
    expect(message.topic).toBe("orders");
    expect(message.value).toEqual({ totalCents: 4200 });
    // Through the producer's serializer, whose content type is the datacontenttype.
    expect(serializedContentType).toBeUndefined();
    expect(message.headers).toEqual({
      ce_specversion: "1.0",
      ce_id: "evt-1",
      ce_source: "/shop/orders",
      ce_type: "com.example.order.created",
      ce_subject: "ord-1001",
      ce_time: "2026-01-02T03:04:05.678Z",
      ce_dataschema: "https://example.com/order.json",
      ce_tenant: "acme",
    });
  });

  it("uses the AMQP binding's cloudEvents: prefix", () => {
    const { message } = encodeCloudEvent("orders", base, { binding: BINDINGS.amqp });
    expect(Object.keys(message.headers ?? {}).sort()).toEqual([
      "cloudEvents:id",
      "cloudEvents:source",
      "cloudEvents:specversion",
      "cloudEvents:type",
    ]);
  });

  it("writes extension values in their canonical string form", () => {
    const { message } = encodeCloudEvent(
      "t",
      {
        ...base,
        count: -7,
        sampled: true,
        blob: Uint8Array.from([0, 255, 1]),
        seen: new Date(Date.UTC(2026, 0, 1)),
      },
      kafka,
    );
    expect(message.headers).toMatchObject({
      ce_count: "-7",
      ce_sampled: "true",
      ce_blob: "AP8B",
      ce_seen: "2026-01-01T00:00:00.000Z",
    });
  });

  it("sends bytes past the serializer with datacontenttype as the content type", () => {
    const data = Uint8Array.from([0, 1, 2, 255]);
    const avro = encodeCloudEvent("t", { ...base, datacontenttype: "application/avro", data }, kafka);
    expect(avro.message.value).toBe(data);
    expect(avro.serializedContentType).toBe("application/avro");
    const untyped = encodeCloudEvent("t", { ...base, data }, kafka);
    expect(untyped.serializedContentType).toBe("application/octet-stream");
    const fromBase64 = encodeCloudEvent("t", { ...base, data_base64: "AAEC/w==" }, kafka);
    expect(fromBase64.message.value).toEqual(data);
  });

  it("sends an event without data as an empty value", () => {
    const { message, serializedContentType } = encodeCloudEvent("t", base, kafka);
    expect(message.value).toEqual(new Uint8Array(0));
    expect(serializedContentType).toBe("");
  });

  it("refuses a datacontenttype the producer's serializer does not write", () => {
    const error = refusal(() =>
      encodeCloudEvent("t", { ...base, datacontenttype: "text/xml", data: "<a/>" }, kafka),
    );
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.details).toEqual({ attribute: "datacontenttype" });
    expect(error.message).toContain('"text/xml"');
    // Parameters do not make another type.
    expect(() =>
      encodeCloudEvent("t", { ...base, datacontenttype: "application/json; charset=utf-8", data: {} }, kafka),
    ).not.toThrow();
  });

  it("maps partitionkey to the message key unless a key is given or the mapping is off, and keeps the attribute", () => {
    const event = { ...base, partitionkey: "customer-42" };
    const mapped = encodeCloudEvent("t", event, kafka);
    expect(mapped.message.key).toBe("customer-42");
    expect(mapped.message.headers?.ce_partitionkey).toBe("customer-42");
    expect(encodeCloudEvent("t", event, kafka, { key: "explicit" }).message.key).toBe("explicit");
    expect(encodeCloudEvent("t", event, { ...kafka, partitionKeyAsKey: false }).message.key).toBeUndefined();
  });

  it("keeps the caller's headers and refuses one that would shadow an attribute", () => {
    const kept = encodeCloudEvent("t", base, kafka, { headers: { "x-trace": "abc" } });
    expect(kept.message.headers?.["x-trace"]).toBe("abc");
    const error = refusal(() => encodeCloudEvent("t", base, kafka, { headers: { ce_id: "other" } }));
    expect(error.details).toEqual({ attribute: "id" });
  });

  it("takes an SDK CloudEvent with binary data, which holds it as data and data_base64", () => {
    const data = Uint8Array.from([1, 2, 255]);
    const event = new CloudEvent({ source: "/s", type: "t", datacontenttype: "application/avro", data });
    const { message, serializedContentType } = encodeCloudEvent("t", event, kafka);
    expect(message.value).toEqual(data);
    expect(serializedContentType).toBe("application/avro");
    expect(Object.keys(message.headers ?? {})).not.toContain("ce_data_base64");
  });

  it("takes a CloudEvent instance from the SDK", () => {
    const event = new CloudEvent({ source: "/s", type: "t", data: { a: 1 } });
    const { message } = encodeCloudEvent("t", event, kafka);
    expect(message.headers).toMatchObject({ ce_id: event.id, ce_time: event.time, ce_specversion: "1.0" });
    expect(message.value).toEqual({ a: 1 });
  });
});

describe("the SQS attribute limit", () => {
  const sqs: EncodeOptions = { binding: BINDINGS.sqs, serializerContentType: "application/json" };
  // 4 required attributes + 4 extensions = 8 headers: with content-type and outbound-key, SQS's 10.
  const atLimit = { ...base, a1: "x", a2: "x", a3: "x", a4: "x" };

  it("sends an event that fills the transport's 8 headers in binary mode", () => {
    const { message, mode } = encodeCloudEvent("q", atLimit, sqs, { key: "k" });
    expect(mode).toBe("binary");
    expect(Object.keys(message.headers ?? {})).toHaveLength(8);
  });

  it("refuses one attribute more with INVALID_MESSAGE naming the count and the limit", () => {
    const error = refusal(() => encodeCloudEvent("q", { ...atLimit, a5: "x" }, sqs));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.kind).toBe("terminal");
    expect(error.message).toContain("needs 9 headers in binary mode, over the sqs limit of 8");
    expect(error.message).toContain("SQS allows 10 message attributes");
    expect(error.details).toEqual({ headers: 9, maxHeaders: 8 });
  });

  it("counts the caller's headers too, and follows a limit the producer reports", () => {
    expect(
      refusal(() => encodeCloudEvent("q", atLimit, sqs, { headers: { "x-trace": "t" } })).message,
    ).toContain("needs 9 headers");
    expect(refusal(() => encodeCloudEvent("t", base, { ...kafka, maxHeaders: 3 })).message).toContain(
      "needs 4 headers in binary mode, over the kafka limit of 3 per message;",
    );
  });

  it("falls back to structured mode only when asked to", () => {
    const { mode, serializedContentType, message } = encodeCloudEvent(
      "q",
      { ...atLimit, a5: "x" },
      { ...sqs, attributeOverflow: "structured" },
    );
    expect(mode).toBe("structured");
    expect(serializedContentType).toBe(STRUCTURED_CONTENT_TYPE);
    expect(message.headers).toBeUndefined();
  });

  it("has no limit on the other bindings", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`ext${i}`, "x"]));
    expect(() => encodeCloudEvent("t", { ...base, ...many }, kafka)).not.toThrow();
  });
});

describe("structured content mode", () => {
  const structured: EncodeOptions = { ...kafka, mode: "structured" };
  const decode = (value: unknown) => JSON.parse(new TextDecoder().decode(value as Uint8Array));

  it("sends the whole event as JSON with the cloudevents+json content type and no attribute headers", () => {
    const event = { ...base, datacontenttype: "application/json", count: 3, data: { totalCents: 4200 } };
    const { message, serializedContentType, mode } = encodeCloudEvent("t", event, structured, {
      headers: { "x-trace": "abc" },
    });
    expect(mode).toBe("structured");
    expect(serializedContentType).toBe("application/cloudevents+json; charset=utf-8");
    expect(message.headers).toEqual({ "x-trace": "abc" });
    expect(decode(message.value)).toEqual(event);
  });

  it("puts bytes in data_base64 and non-JSON text in data as a string", () => {
    const bytes = encodeCloudEvent("t", { ...base, data: Uint8Array.from([1, 2, 3]) }, structured);
    expect(decode(bytes.message.value)).toEqual({ ...base, data_base64: "AQID" });
    const xml = encodeCloudEvent(
      "t",
      { ...base, datacontenttype: "application/xml", data: "<a/>" },
      structured,
    );
    expect(decode(xml.message.value).data).toBe("<a/>");
  });

  it("refuses non-JSON data that is neither text nor bytes", () => {
    const error = refusal(() =>
      encodeCloudEvent("t", { ...base, datacontenttype: "application/xml", data: { a: 1 } }, structured),
    );
    expect(error.details).toEqual({ attribute: "datacontenttype" });
  });

  it("still maps partitionkey to the key", () => {
    const { message } = encodeCloudEvent("t", { ...base, partitionkey: "p" }, structured);
    expect(message.key).toBe("p");
  });
});

describe("fromMessage", () => {
  it("reads back what binary mode wrote, on every binding", () => {
    for (const binding of Object.values(BINDINGS)) {
      const event = { ...base, subject: "s", datacontenttype: "application/json", data: { a: 1 } };
      const { message } = encodeCloudEvent("t", event, {
        binding,
        serializerContentType: "application/json",
      });
      const value = new TextEncoder().encode(JSON.stringify(message.value));
      const read = fromMessage(
        { headers: message.headers ?? {}, value, contentType: "application/json" },
        binding,
      );
      expect(read, binding.name).toEqual(event);
    }
  });

  it("reads back what structured mode wrote, telling the mode by the content type", () => {
    const event = { ...base, data_base64: "AQID" };
    const { message, serializedContentType } = encodeCloudEvent("t", event, { ...kafka, mode: "structured" });
    const read = fromMessage(
      { headers: { "content-type": serializedContentType ?? "" }, value: message.value as Uint8Array },
      "kafka",
    );
    expect(read).toEqual({ ...base, data: Uint8Array.from([1, 2, 3]) });
  });

  it("refuses a message without the required attributes", () => {
    const error = refusal(() => fromMessage({ headers: { ce_id: "1" }, value: new Uint8Array(0) }, "kafka"));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.details).toEqual({ attribute: "source" });
  });
});
