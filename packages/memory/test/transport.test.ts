import { createProducer, silentLogger } from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  getMemoryBroker,
  MemoryBroker,
  memoryTransport,
  parseMemoryUrl,
  removeMemoryBroker,
  transport,
} from "../src/index.js";
import { batch, record } from "./records.js";

const names: string[] = [];
function uniqueName(): string {
  const name = `broker-${names.length}-${Date.now()}`;
  names.push(name);
  return name;
}

afterEach(() => {
  for (const name of names.splice(0)) removeMemoryBroker(name);
});

describe("memoryTransport", () => {
  it("gets a private broker by default and sends through it", async () => {
    const t = memoryTransport({ partitions: 2 });
    await t.connect();
    expect(await t.partitions("orders")).toBe(2);
    const results = await t.send(batch("orders", [record("a")], 1), {
      signal: new AbortController().signal,
      timeoutMs: 1_000,
    });
    expect(results).toEqual([
      expect.objectContaining({ ok: true, partition: 1, offset: "0", acknowledged: true }),
    ]);
    expect(t.broker.messages("orders", { partition: 1 })[0]?.text()).toBe("a");
    expect(memoryTransport().broker).not.toBe(t.broker);
  });

  it("declares the memory broker's capabilities, following its settings", () => {
    const t = memoryTransport({ maxMessageBytes: 2048, dedupWindowMs: 0 });
    expect(t.name).toBe("memory");
    expect(t.capabilities).toMatchObject({
      maxMessageBytes: 2048,
      maxBatchBytes: 16 * 1024 * 1024,
      partitioned: true,
      keyOrdering: "partition",
      headers: { supported: true, binaryValues: true },
      dedup: { supported: false },
      delay: { supported: true, maxMs: 900_000 },
      timestamps: true,
      acks: ["none", "leader", "all"],
      transactions: false,
      defaultPartitioner: "murmur2",
      orderedInFlight: 1,
    });
    t.broker.configure({ dedupWindowMs: 60_000, maxDelayMs: 0 });
    expect(t.capabilities.dedup).toEqual({ supported: true, windowMs: 60_000 });
    expect(t.capabilities.delay).toEqual({ supported: false });
  });

  it("shares a named broker between a URL-built transport and getMemoryBroker", async () => {
    const name = uniqueName();
    const t = memoryTransport({ url: `memory://${name}?partitions=3` });
    expect(t.broker).toBe(getMemoryBroker(name));
    expect(t.broker.settings.defaultPartitions).toBe(3);
    expect(memoryTransport({ broker: name }).broker).toBe(t.broker);
    expect(t.describe()).toBe(`memory://${name}`);
  });

  it("uses a given broker instance", () => {
    const broker = new MemoryBroker();
    expect(memoryTransport({ broker }).broker).toBe(broker);
  });

  it("times out a send to a hung broker with an unknown outcome", async () => {
    const t = memoryTransport();
    t.broker.faults.hang();
    const started = performance.now();
    await expect(
      t.send(batch("t", [record("a")]), { signal: new AbortController().signal, timeoutMs: 50 }),
    ).rejects.toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    expect(performance.now() - started).toBeLessThan(1_000);
    t.broker.faults.release();
  });

  it("reads the engine's signal only when a fault holds the request", async () => {
    // The engine creates a request's AbortController when its signal is first read.
    const controller = new AbortController();
    let reads = 0;
    const context = {
      get signal() {
        reads += 1;
        return controller.signal;
      },
      timeoutMs: 60_000,
    };
    const t = memoryTransport();
    await expect(t.send(batch("t", [record("a")]), context)).resolves.toHaveLength(1);
    expect(reads).toBe(0);
    t.broker.faults.hang();
    const held = t.send(batch("t", [record("b")]), context);
    controller.abort();
    await expect(held).rejects.toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    expect(reads).toBe(1);
    t.broker.faults.release();
    expect(t.broker.messages("t").map((m) => m.text())).toEqual(["a"]);
  });

  it("fails connect and partitions while the broker is disconnected", async () => {
    const t = memoryTransport();
    t.broker.faults.disconnect();
    await expect(t.connect()).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE", kind: "retriable" });
    await expect(t.partitions("t")).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE" });
    t.broker.faults.reconnect();
    await expect(t.connect()).resolves.toBeUndefined();
  });

  it("rejects use after close with CLOSED", async () => {
    const t = memoryTransport();
    await t.close();
    await expect(t.send(batch("t", [record("a")]))).rejects.toMatchObject({ code: "CLOSED" });
    await expect(t.connect()).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("reports flow control through onBackpressure, including a pause already in force", async () => {
    const t = memoryTransport();
    t.broker.faults.pause("slow down");
    const states: unknown[] = [];
    t.onBackpressure((s) => states.push(s));
    await Promise.resolve();
    t.broker.faults.resume();
    expect(states).toEqual([{ paused: true }, { paused: false }]);
    await t.close();
    t.broker.faults.pause();
    expect(states).toHaveLength(2);
  });

  it("refuses a broker option that is neither a broker nor a name", () => {
    expect(() => memoryTransport({ broker: 42 as unknown as string })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});

describe("transport module", () => {
  it("is loadable by name and scheme, and uses the default shared broker without a name", () => {
    expect(transport.name).toBe("memory");
    expect(transport.schemes).toEqual(["memory"]);
    const t = transport.create({ options: undefined, clientId: "c", logger: silentLogger });
    expect((t as ReturnType<typeof memoryTransport>).broker).toBe(getMemoryBroker());
  });

  it("reads a named broker from the URL", () => {
    const name = uniqueName();
    const t = transport.create({ url: `memory://${name}`, options: {}, clientId: "c", logger: silentLogger });
    expect((t as ReturnType<typeof memoryTransport>).broker).toBe(getMemoryBroker(name));
  });
});

describe("parseMemoryUrl", () => {
  it("reads the broker name and options", () => {
    expect(parseMemoryUrl("memory://orders?partitions=3&maxMessageBytes=10&autoCreateTopics=false")).toEqual({
      brokerName: "orders",
      options: { defaultPartitions: 3, maxMessageBytes: 10, autoCreateTopics: false },
    });
    expect(parseMemoryUrl("memory://")).toEqual({ brokerName: undefined, options: {} });
  });

  it.each([
    ["kafka://x", /memory:\/\/ scheme/],
    ["not a url", /not a valid URL/],
    ["memory://x?partitions=abc", /partitions must be a non-negative integer/],
    ["memory://x?parts=3", /unknown url parameter "parts"/],
    ["memory://x/path", /has a path/],
    ["memory://x?autoCreateTopics=maybe", /autoCreateTopics must be true or false/],
  ])("rejects %s with INVALID_CONFIG", (url, message) => {
    expect(() => parseMemoryUrl(url)).toThrow(message);
    expect(() => parseMemoryUrl(url)).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
  });

  it("rejects partitions=0 through the broker's own validation", () => {
    expect(() => memoryTransport({ url: `memory://${uniqueName()}?partitions=0` })).toThrow(
      /defaultPartitions/,
    );
  });
});

describe("the memory config section", () => {
  it("refuses an unknown key with INVALID_CONFIG naming the closest valid one", () => {
    expect(() => memoryTransport({ maxMesageBytes: 10 } as never)).toThrow(
      /"memory.maxMesageBytes" \(did you mean "maxMessageBytes"\?\)/,
    );
  });

  it("is a compile error too, and INVALID_CONFIG at connect", async () => {
    // If the TransportOptionsMap merge in src/transport/config.ts stopped applying, this
    // directive would be unused and the typecheck would fail.
    // @ts-expect-error "partitons" is not a memory option
    const producer = createProducer({ url: "memory://", memory: { partitons: 3 } });
    await expect(producer.connect()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await producer.close();
  });
});
