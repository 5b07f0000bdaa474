import { createProducer, type Producer } from "@outbound/core";
import { MemoryBroker, memoryTransport } from "@outbound/memory";
import { afterEach, describe, expect, it } from "vitest";
import { cloudEvents, fromMessage } from "../src/index.js";

const base = { specversion: "1.0", id: "evt-1", source: "/shop", type: "order.created" };
const producers: Producer[] = [];

function setup(config: Parameters<typeof createProducer>[0] = {}) {
  const broker = new MemoryBroker();
  const producer = createProducer({ ...config, transport: memoryTransport({ broker }) });
  producers.push(producer);
  return { broker, producer };
}

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close()));
});

describe("cloudEvents(producer)", () => {
  it("chooses the binding from the producer's transport", () => {
    const { producer } = setup();
    expect(cloudEvents(producer).binding.name).toBe("memory");
  });

  it("sends binary mode through the producer's serializer, its content type standing for datacontenttype", async () => {
    const { broker, producer } = setup();
    await cloudEvents(producer).send("orders", { ...base, partitionkey: "c-1", data: { cents: 1 } });
    const [stored] = broker.messages("orders");
    expect(stored?.json()).toEqual({ cents: 1 });
    expect(stored?.contentType).toBe("application/json");
    expect(stored?.keyText()).toBe("c-1");
    expect(stored?.header("ce_id")).toBe("evt-1");
    expect(stored?.header("ce_partitionkey")).toBe("c-1");
  });

  it("reads the content type of a string serializer, and refuses a datacontenttype that contradicts it", async () => {
    const { broker, producer } = setup({ serializer: "string" });
    const events = cloudEvents(producer);
    await events.send("t", { ...base, datacontenttype: "text/plain", data: "hello" });
    await expect(
      events.send("t", { ...base, datacontenttype: "application/json", data: "{}" }),
    ).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
      details: { attribute: "datacontenttype" },
    });
    expect(broker.messages("t").map((m) => m.text())).toEqual(["hello"]);
  });

  it("sends an event without data as an empty value that reads back as the same event", async () => {
    const { broker, producer } = setup();
    const events = cloudEvents(producer);
    await events.send("t", base);
    const [stored] = broker.messages("t");
    expect(stored?.value.byteLength).toBe(0);
    const read = fromMessage(
      {
        headers: stored?.headers ?? {},
        value: stored?.value ?? new Uint8Array(1),
        contentType: stored?.contentType,
      },
      events.binding,
    );
    expect(read).toEqual(base);
  });

  it("sends structured mode as application/cloudevents+json", async () => {
    const { broker, producer } = setup();
    await cloudEvents(producer, { mode: "structured" }).send("t", { ...base, data: { a: 1 } });
    const [stored] = broker.messages("t");
    expect(stored?.contentType).toBe("application/cloudevents+json; charset=utf-8");
    expect(stored?.json()).toEqual({ ...base, data: { a: 1 } });
    expect(Object.keys(stored?.headers ?? {}).filter((h) => h.startsWith("ce_"))).toEqual([]);
  });

  it("fails an invalid event alone in sendMany, and sends the others", async () => {
    const { broker, producer } = setup();
    const { source: _omitted, ...noSource } = { ...base, id: "bad" };
    const results = await cloudEvents(producer).sendMany("t", [
      { ...base, id: "a", data: 1 },
      noSource as never,
      { ...base, id: "c", data: 3 },
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[1]).toMatchObject({
      reason: { code: "INVALID_MESSAGE", details: { attribute: "source" } },
    });
    expect(broker.messages("t").map((m) => m.header("ce_id"))).toEqual(["a", "c"]);
  });

  it("rejects, never throws, for an invalid event", async () => {
    const { producer } = setup();
    const sent = cloudEvents(producer).send("t", { ...base, type: "" });
    await expect(sent).rejects.toMatchObject({ code: "INVALID_MESSAGE", details: { attribute: "type" } });
  });
});
