import { record as contractRecord } from "@outbound/contract";
import { OutboundError, type OutboundRecord } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { resolveRabbitMqOptions } from "../../src/config.js";
import {
  destinationName,
  KEY_HEADER,
  PUBLISH_ID_HEADER,
  TIMESTAMP_MS_HEADER,
  toPublish,
} from "../../src/mapping.js";

const bytes = (text: string) => new TextEncoder().encode(text);

function record(overrides: Partial<OutboundRecord> = {}): OutboundRecord {
  return contractRecord("orders", overrides.value ?? "v", {
    contentType: "application/json",
    timestamp: 1_700_000_000_123,
    ...overrides,
  });
}

const exchangeMode = resolveRabbitMqOptions({ destination: "exchange" });
const queueMode = resolveRabbitMqOptions({ destination: "queue" });

describe("toPublish", () => {
  it("maps properties: persistent, mandatory, content type, message id, timestamp in seconds", () => {
    const p = toPublish(record({ id: "m-1" }), 1, exchangeMode, "pid");
    expect(p.options).toMatchObject({
      mandatory: true,
      deliveryMode: 2,
      contentType: "application/json",
      messageId: "m-1",
      timestamp: 1_700_000_000,
    });
    // Milliseconds survive in the header RabbitMQ's message-timestamp plugin uses.
    expect(p.options.headers[TIMESTAMP_MS_HEADER]).toBe(1_700_000_000_123);
    expect(
      toPublish(record(), 1, resolveRabbitMqOptions({ persistent: false }), "pid").options.deliveryMode,
    ).toBe(1);
  });

  it("routes exchange mode by key, and partitioned topics by <topic>-<p>", () => {
    expect(toPublish(record({ key: bytes("k1") }), 1, exchangeMode, "p")).toMatchObject({
      exchange: "orders",
      routingKey: "k1",
    });
    expect(toPublish(record(), 1, exchangeMode, "p").routingKey).toBe("");
    expect(toPublish(record({ partition: 2, key: bytes("k") }), 3, exchangeMode, "p")).toMatchObject({
      exchange: "orders",
      routingKey: "orders-2",
    });
  });

  it("routes queue mode through the default exchange to <topic> or <topic>-<p>", () => {
    expect(toPublish(record(), 1, queueMode, "p")).toMatchObject({ exchange: "", routingKey: "orders" });
    expect(toPublish(record({ partition: 1 }), 4, queueMode, "p")).toMatchObject({
      exchange: "",
      routingKey: "orders-1",
    });
    expect(destinationName("t", 0, 1)).toBe("t");
  });

  it("passes binary header values and the key as real Buffers, byte-exact", () => {
    const raw = new Uint8Array([0, 255, 1, 254]);
    const key = new Uint8Array([9, 8, 7]);
    const p = toPublish(record({ headers: { text: "a", raw }, key }), 2, queueMode, "pid-7");
    expect(p.options.headers.text).toBe("a");
    expect(Buffer.isBuffer(p.options.headers.raw)).toBe(true);
    expect([...(p.options.headers.raw as Buffer)]).toEqual([0, 255, 1, 254]);
    expect([...(p.options.headers[KEY_HEADER] as Buffer)]).toEqual([9, 8, 7]);
    expect(p.options.headers[PUBLISH_ID_HEADER]).toBe("pid-7");
    expect(Buffer.isBuffer(p.content)).toBe(true);
  });

  it("rejects what AMQP cannot carry with INVALID_MESSAGE", () => {
    const longName = "x".repeat(256);
    for (const run of [
      () => toPublish(record({ topic: longName }), 1, queueMode, "p"),
      () => toPublish(record({ topic: longName }), 1, exchangeMode, "p"),
      () => toPublish(record({ key: bytes("k".repeat(300)) }), 1, exchangeMode, "p"),
      () => toPublish(record({ key: new Uint8Array([0xff, 0xfe]) }), 1, exchangeMode, "p"),
    ]) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OutboundError);
      expect((error as OutboundError).code).toBe("INVALID_MESSAGE");
    }
    let headerError: unknown;
    try {
      toPublish(record({ headers: { bad: 42 as unknown as string } }), 1, queueMode, "p");
    } catch (e) {
      headerError = e;
    }
    expect(headerError).toMatchObject({ code: "INVALID_MESSAGE" });
    // A non-UTF-8 key is fine where it is not the routing key.
    expect(() => toPublish(record({ key: new Uint8Array([0xff]) }), 1, queueMode, "p")).not.toThrow();
  });
});
