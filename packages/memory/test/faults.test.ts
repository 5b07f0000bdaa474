import { describe, expect, it } from "vitest";
import { MemoryBroker } from "../src/index.js";
import { batch, record } from "./records.js";

/** Resolves to "pending" when `promise` has not settled within `ms`. */
async function stateAfter(promise: Promise<unknown>, ms: number): Promise<"settled" | "pending"> {
  const timer = new Promise<"pending">((r) => setTimeout(() => r("pending"), ms));
  return Promise.race([
    promise.then(
      () => "settled" as const,
      () => "settled" as const,
    ),
    timer,
  ]);
}

describe("faults.failNext", () => {
  it("rejects the next n requests whole with the given code and kind, storing nothing", async () => {
    const broker = new MemoryBroker();
    broker.faults.failNext(2, { code: "THROTTLED" });
    for (let i = 0; i < 2; i++) {
      await expect(broker.produce(batch("t", [record("a")]))).rejects.toMatchObject({
        code: "THROTTLED",
        kind: "throttled",
        brokerCode: "INJECTED",
      });
    }
    expect(broker.count("t")).toBe(0);
    await expect(broker.produce(batch("t", [record("b")]))).resolves.toHaveLength(1);
    expect(broker.stats()).toMatchObject({ requests: 3, rejectedRequests: 2, stored: 1 });
  });

  it("fails the next n records on their own with scope record, storing the rest", async () => {
    const broker = new MemoryBroker();
    broker.faults.failNext(1, { code: "BROKER_UNAVAILABLE", kind: "retriable", scope: "record" });
    const results = await broker.produce(batch("t", [record("a"), record("b")]));
    expect(results[0]).toMatchObject({ ok: false, error: { code: "BROKER_UNAVAILABLE", kind: "retriable" } });
    expect(results[1]?.ok).toBe(true);
    expect(broker.messages("t").map((m) => m.text())).toEqual(["b"]);
  });

  it("queues failures in the order they were asked for", async () => {
    const broker = new MemoryBroker();
    broker.faults.failNext(1, { code: "TIMEOUT" });
    broker.faults.failNext(1, { code: "NOT_AUTHORIZED" });
    await expect(broker.produce(batch("t", [record("a")]))).rejects.toMatchObject({ code: "TIMEOUT" });
    await expect(broker.produce(batch("t", [record("a")]))).rejects.toMatchObject({ code: "NOT_AUTHORIZED" });
  });

  it("refuses a count that is not a positive integer", () => {
    expect(() => new MemoryBroker().faults.failNext(0)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
    expect(() => new MemoryBroker().faults.latency(-1)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});

describe("faults.rejectWhen", () => {
  it("fails matching records until removed", async () => {
    const broker = new MemoryBroker();
    const remove = broker.faults.rejectWhen((r) => new TextDecoder().decode(r.value) === "poison", {
      code: "REJECTED",
    });
    const results = await broker.produce(batch("t", [record("ok"), record("poison"), record("ok2")]));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ error: { code: "REJECTED", kind: "terminal" } });
    remove();
    const [after] = await broker.produce(batch("t", [record("poison")]));
    expect(after?.ok).toBe(true);
  });
});

describe("faults.latency and hang", () => {
  it("delays every answer by the latency", async () => {
    const broker = new MemoryBroker();
    broker.faults.latency(40);
    const started = performance.now();
    await broker.produce(batch("t", [record("a")]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    broker.faults.delay(0);
    const again = performance.now();
    await broker.produce(batch("t", [record("b")]));
    expect(performance.now() - again).toBeLessThan(30);
  });

  it("holds requests while hung and answers them on release", async () => {
    const broker = new MemoryBroker();
    broker.faults.hang();
    const pending = broker.produce(batch("t", [record("a")]));
    expect(await stateAfter(pending, 50)).toBe("pending");
    expect(broker.count("t")).toBe(0);
    broker.faults.release();
    await expect(pending).resolves.toHaveLength(1);
    expect(broker.count("t")).toBe(1);
  });

  it("abandons a hung request when the caller aborts, with an unknown outcome, and never stores it", async () => {
    const broker = new MemoryBroker();
    broker.faults.hang();
    const controller = new AbortController();
    const pending = broker.produce(batch("t", [record("a")]), controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    broker.faults.release();
    await new Promise((r) => setTimeout(r, 10));
    expect(broker.count("t")).toBe(0);
  });
});

describe("faults.disconnect", () => {
  it("rejects new requests as retriable and in-flight ones as unknown outcome until reconnect", async () => {
    const broker = new MemoryBroker();
    broker.faults.hang();
    const inFlight = broker.produce(batch("t", [record("a")]));
    broker.faults.disconnect();
    await expect(inFlight).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE", kind: "unknown-outcome" });
    await expect(broker.produce(batch("t", [record("b")]))).rejects.toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
    broker.faults.reconnect();
    broker.faults.release();
    await expect(broker.produce(batch("t", [record("c")]))).resolves.toHaveLength(1);
    expect(broker.messages("t").map((m) => m.text())).toEqual(["c"]);
  });

  it("reconnects by itself after forMs", async () => {
    const broker = new MemoryBroker();
    broker.faults.disconnect({ forMs: 30 });
    expect(broker.faults.connected).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(broker.faults.connected).toBe(true);
  });
});

describe("faults.pause (flow control)", () => {
  it("tells listeners and holds requests until resumed", async () => {
    const broker = new MemoryBroker();
    const states: unknown[] = [];
    broker.faults.onFlowControl((s) => states.push(s));
    broker.faults.pause("disk alarm");
    const pending = broker.produce(batch("t", [record("a")]));
    expect(await stateAfter(pending, 30)).toBe("pending");
    broker.faults.resume();
    await expect(pending).resolves.toHaveLength(1);
    expect(states).toEqual([{ paused: true, reason: "disk alarm" }, { paused: false }]);
  });
});

describe("faults.reset", () => {
  it("clears every fault", async () => {
    const broker = new MemoryBroker();
    broker.faults.failNext(5);
    broker.faults.rejectWhen(() => true);
    broker.faults.latency(10_000);
    broker.faults.hang();
    broker.faults.disconnect();
    broker.faults.pause();
    broker.faults.reset();
    const results = await broker.produce(batch("t", [record("a")]));
    expect(results[0]?.ok).toBe(true);
  });
});
