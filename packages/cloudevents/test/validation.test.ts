import { OutboundError } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { validateEvent } from "../src/index.js";

const base = { specversion: "1.0", id: "evt-1", source: "/shop", type: "order.created" };

function attributeAtFault(event: unknown): string {
  try {
    validateEvent(event, "kafka");
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    const e = error as OutboundError;
    expect(e.code).toBe("INVALID_MESSAGE");
    expect(e.kind).toBe("terminal");
    expect(e.transport).toBe("kafka");
    const attribute = (e.details as { attribute: string }).attribute;
    expect(e.message).toContain(`"${attribute}"`);
    return attribute;
  }
  throw new Error("expected the event to be refused");
}

describe("validateEvent", () => {
  it("accepts a minimal valid event and returns its attributes without data", () => {
    const valid = validateEvent({ ...base, data: { a: 1 } });
    expect(valid.attributes).toEqual(base);
    expect(valid.data).toEqual({ a: 1 });
  });

  it.each(["id", "source", "type", "specversion"])("refuses an event without %s, naming it", (name) => {
    const event: Record<string, unknown> = { ...base };
    delete event[name];
    expect(attributeAtFault(event)).toBe(name);
    expect(attributeAtFault({ ...base, [name]: "" })).toBe(name);
  });

  it("refuses another specversion than 1.0", () => {
    expect(attributeAtFault({ ...base, specversion: "0.3" })).toBe("specversion");
  });

  it("refuses attributes the spec's formats reject, through the SDK's schema", () => {
    expect(attributeAtFault({ ...base, time: "yesterday" })).toBe("time");
    expect(attributeAtFault({ ...base, dataschema: "not a uri" })).toBe("dataschema");
  });

  it("refuses invalid attribute names and values", () => {
    expect(attributeAtFault({ ...base, "Bad-Name": "x" })).toBe("Bad-Name");
    expect(attributeAtFault({ ...base, nested: { a: 1 } })).toBe("nested");
    expect(attributeAtFault({ ...base, ratio: 0.5 })).toBe("ratio");
    expect(attributeAtFault({ ...base, big: 2 ** 31 })).toBe("big");
    expect(attributeAtFault({ ...base, subject: 42 })).toBe("subject");
    expect(attributeAtFault({ ...base, data: "a", data_base64: "AA==" })).toBe("data_base64");
    expect(attributeAtFault({ ...base, data_base64: "not base64!" })).toBe("data_base64");
  });

  it("refuses what is not an object", () => {
    for (const event of [null, "event", 42, [base], new Uint8Array(1)])
      expect(attributeAtFault(event)).toBe("specversion");
  });

  it("refuses the CloudEvents 0.3 attributes that 1.0 renamed or dropped, naming them", () => {
    expect(attributeAtFault({ ...base, schemaurl: "https://example.com/s" })).toBe("schemaurl");
    expect(attributeAtFault({ ...base, datacontentencoding: "base64" })).toBe("datacontentencoding");
  });

  it("accepts Date times and typed extensions", () => {
    const valid = validateEvent({ ...base, time: new Date(Date.UTC(2026, 0, 1)), count: 3, ok: false });
    expect(valid.attributes).toMatchObject({ time: "2026-01-01T00:00:00.000Z", count: 3, ok: false });
  });
});
