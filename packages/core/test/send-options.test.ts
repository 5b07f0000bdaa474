import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { type DeliveryReport, OutboundError, type ProducerConfig } from "../src/index.js";
import { createProducerWith } from "../src/producer/create.js";
import { FakeClock, settle } from "./support/fake-clock.js";
import { scriptedTransport } from "./support/scripted-transport.js";

/**
 * A send's own `timeoutMs` and `signal`, and `produce()`'s callback, on a fake clock: each fails
 * or reports its own message only, at the time it should, and leaves nothing behind.
 */

const noJitter = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 };

function setup(config: Omit<ProducerConfig, "transport"> = {}, connect?: () => Promise<void>) {
  const clock = new FakeClock();
  const transport = scriptedTransport(clock, connect ? { connect } : {});
  const telemetry = { tracing: false, metrics: false };
  const producer = createProducerWith(
    { transport, retry: noJitter, telemetry, deliveryTimeoutMs: 10_000, ...config },
    { clock },
  );
  return { clock, transport, producer };
}

/** Records when a promise settled, on the fake clock, without awaiting it. */
function watch<T>(promise: Promise<T>, clock: FakeClock) {
  const state: { at?: number; value?: T; error?: OutboundError } = {};
  promise.then(
    (value) => Object.assign(state, { at: clock.now(), value }),
    (error: OutboundError) => Object.assign(state, { at: clock.now(), error }),
  );
  return state;
}

const retriable = () => new OutboundError("BROKER_UNAVAILABLE", "down", { kind: "retriable" });

describe("send(message, { timeoutMs })", () => {
  it("fails a lingering message at its own deadline; the message beside it is sent later", async () => {
    const { clock, transport, producer } = setup({ lingerMs: 500 });
    const short = watch(producer.send({ topic: "t", value: "short" }, { timeoutMs: 200 }), clock);
    const normal = watch(producer.send({ topic: "t", value: "normal" }), clock);
    await clock.advance(200);
    expect(short.at).toBe(200);
    expect(short.error).toMatchObject({ code: "TIMEOUT", kind: "retriable" });
    expect(short.error!.message).toContain("the send's timeoutMs (200 ms");
    await clock.advance(300);
    expect(transport.sends.map((s) => s.batch.records.length)).toEqual([1]);
    transport.sends[0]!.ack();
    await settle();
    expect(normal.value).toMatchObject({ attempts: 1 });
    expect(producer.metrics()).toMatchObject({ sent: 2, acked: 1, failed: 1, pending: 0 });
    await producer.close();
  });

  it("fails only its own message in flight, as unknown-outcome; the batch's request goes on", async () => {
    const { clock, transport, producer } = setup({ requestTimeoutMs: 5_000 });
    const short = watch(producer.send({ topic: "t", value: "short" }, { timeoutMs: 300 }), clock);
    const normal = watch(producer.send({ topic: "t", value: "normal" }), clock);
    await clock.advance(0);
    expect(transport.sends[0]!.batch.records).toHaveLength(2);
    await clock.advance(300);
    expect(short.at).toBe(300);
    expect(short.error).toMatchObject({ code: "TIMEOUT", kind: "unknown-outcome" });
    expect(transport.sends[0]!.context.signal.aborted).toBe(false);
    await clock.advance(700);
    transport.sends[0]!.ack();
    await settle();
    expect(normal.at).toBe(1_000);
    expect(normal.value).toBeDefined();
    // The late ack of the timed-out message is not counted twice.
    expect(producer.metrics()).toMatchObject({ acked: 1, failed: 1 });
    await producer.close();
  });

  it("gives up retrying when its own deadline would pass before the next attempt", async () => {
    const { clock, transport, producer } = setup();
    const sent = watch(producer.send({ topic: "t", value: "a" }, { timeoutMs: 250 }), clock);
    await clock.advance(0);
    transport.sends[0]!.fail(retriable());
    await clock.advance(100);
    transport.sends[1]!.fail(retriable());
    await settle();
    // The next backoff is 200 ms: 100 + 200 passes 250.
    expect(sent.at).toBe(100);
    expect(sent.error!.message).toContain("gave up after 2 attempt(s): the send's timeoutMs (250 ms)");
    await producer.close();
  });

  it("bounds the wait for the connection, and names the send's own timeout", async () => {
    let connected: () => void = () => {};
    const { clock, producer } = setup({}, () => new Promise<void>((resolve) => (connected = resolve)));
    const sent = watch(producer.send({ topic: "t", value: "a" }, { timeoutMs: 400 }), clock);
    await clock.advance(400);
    expect(sent.error).toMatchObject({ code: "TIMEOUT", kind: "retriable" });
    expect(sent.error!.message).toContain("not sent within the send's timeoutMs (400 ms");
    connected();
    await producer.close();
  });

  it.each([
    [
      { timeoutMs: 0 },
      "timeoutMs must be a whole number of milliseconds from 1 to deliveryTimeoutMs (10000)",
    ],
    [{ timeoutMs: 10_001 }, "got 10001"],
    [{ timeoutMs: 1.5 }, "got 1.5"],
    [{ timeout: 5 }, 'unknown send option "timeout"'],
    [{ signal: {} }, "signal must be an AbortSignal"],
    ["fast", "send options must be an object, got string"],
  ])("refuses bad options %j with INVALID_MESSAGE, sending nothing", async (options, text) => {
    const { clock, transport, producer } = setup();
    await producer.connect();
    const sent = producer.send({ topic: "t", value: "a" }, options as never);
    await expect(sent).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
    await expect(sent).rejects.toThrow(text);
    const other = watch(producer.send({ topic: "t", value: "b" }), clock);
    await clock.advance(0);
    transport.sends[0]!.ack();
    await settle();
    expect(other.value).toBeDefined();
    expect(transport.sends).toHaveLength(1);
    await producer.close();
  });
});

describe("counting refused sends", () => {
  it("counts a send refused for bad options or a failed connect once on each side", async () => {
    const refused = () =>
      Promise.reject(new OutboundError("AUTH_FAILED", "bad password", { kind: "terminal" }));
    const { producer } = setup({}, refused);
    await expect(producer.send({ topic: "t", value: "a" })).rejects.toMatchObject({ code: "AUTH_FAILED" });
    await expect(producer.send({ topic: "t", value: "b" }, { timeoutMs: -1 })).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
    });
    expect(producer.metrics()).toMatchObject({ sent: 2, acked: 0, failed: 2, pending: 0 });
    await producer.close();
  });
});

describe("send(message, { signal })", () => {
  it("an aborted signal refuses the send at once: ABORTED, retriable, nothing sent", async () => {
    const { clock, transport, producer } = setup();
    await producer.connect();
    const sent = producer.send({ topic: "t", value: "a" }, { signal: AbortSignal.abort() });
    await expect(sent).rejects.toMatchObject({ code: "ABORTED", kind: "retriable" });
    await clock.advance(0);
    expect(transport.sends).toHaveLength(0);
    await producer.close();
  });

  it("aborting while it lingers fails it alone; the lane sends the rest", async () => {
    const { clock, transport, producer } = setup({ lingerMs: 100 });
    const controller = new AbortController();
    const aborted = watch(producer.send({ topic: "t", value: "a" }, { signal: controller.signal }), clock);
    const kept = watch(producer.send({ topic: "t", value: "b" }), clock);
    await clock.advance(50);
    controller.abort();
    await settle();
    expect(aborted.at).toBe(50);
    expect(aborted.error).toMatchObject({ code: "ABORTED", kind: "retriable" });
    expect(aborted.error!.message).toContain("before it was sent; the broker does not hold it");
    await clock.advance(50);
    expect(transport.sends.map((s) => s.batch.records.map((r) => Buffer.from(r.value).toString()))).toEqual([
      ['"b"'],
    ]);
    transport.sends[0]!.ack();
    await settle();
    expect(kept.value).toBeDefined();
    expect(producer.metrics()).toMatchObject({ sent: 2, acked: 1, failed: 1, pending: 0 });
    await producer.close();
  });

  it("aborting in flight says the broker may hold it; aborting after the ack changes nothing", async () => {
    const { clock, transport, producer } = setup();
    const inFlight = new AbortController();
    const late = new AbortController();
    const first = watch(producer.send({ topic: "t", value: "a" }, { signal: inFlight.signal }), clock);
    await clock.advance(0);
    inFlight.abort();
    await settle();
    expect(first.error).toMatchObject({ code: "ABORTED", kind: "unknown-outcome" });
    transport.sends[0]!.ack();
    await settle();

    const second = watch(producer.send({ topic: "t", value: "b" }, { signal: late.signal }), clock);
    await clock.advance(0);
    transport.sends[1]!.ack();
    await settle();
    late.abort();
    await settle();
    expect(second.value).toBeDefined();
    expect(second.error).toBeUndefined();
    expect(producer.metrics()).toMatchObject({ acked: 1, failed: 1 });
    await producer.close();
  });

  it("aborting while waiting for the connection cancels the wait", async () => {
    let connected: () => void = () => {};
    const { clock, producer } = setup({}, () => new Promise<void>((resolve) => (connected = resolve)));
    const controller = new AbortController();
    const sent = watch(producer.send({ topic: "t", value: "a" }, { signal: controller.signal }), clock);
    await clock.advance(30);
    controller.abort();
    await settle();
    expect(sent.at).toBe(30);
    expect(sent.error).toMatchObject({ code: "ABORTED", kind: "retriable" });
    expect(producer.metrics().pending).toBe(0);
    connected();
    await producer.close();
  });

  it("stops listening and clears its timer once the message settles", async () => {
    const { clock, transport, producer } = setup();
    const controller = new AbortController();
    await producer.connect();
    // The timers a plain send leaves armed (the sweeper's, the request watcher's) are the baseline.
    const plain = producer.send({ topic: "t", value: "plain" });
    await clock.advance(0);
    transport.sends[0]!.ack();
    await plain;
    const armedAfterPlain = clock.armed;
    const sent = producer.send({ topic: "t", value: "a" }, { signal: controller.signal, timeoutMs: 5_000 });
    await clock.advance(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    expect(clock.armed).toBe(armedAfterPlain + 1);
    transport.sends[1]!.ack();
    await sent;
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(clock.armed).toBe(armedAfterPlain);
    await producer.close();
  });
});

describe("produce(message, callback)", () => {
  it("calls back once with the report, never synchronously inside produce()", async () => {
    const { clock, transport, producer } = setup();
    await producer.connect();
    const calls: [OutboundError | undefined, DeliveryReport | undefined][] = [];
    producer.produce({ topic: "t", value: "a" }, (error, report) => calls.push([error, report]));
    expect(calls).toHaveLength(0);
    await clock.advance(0);
    transport.sends[0]!.ack();
    expect(calls).toHaveLength(0);
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBeUndefined();
    expect(calls[0]![1]).toMatchObject({ topic: "t", attempts: 1 });
    await producer.close();
    expect(calls).toHaveLength(1);
  });

  it("calls back with the typed error for bad input, a retry exhausted and a closed producer", async () => {
    const { clock, transport, producer } = setup({ deliveryTimeoutMs: 250 });
    await producer.connect();
    const errors: OutboundError[] = [];
    const record = (error: OutboundError | undefined) => errors.push(error!);
    producer.produce({ topic: "", value: "a" }, record);
    producer.produce({ topic: "t", value: "a" }, record);
    await clock.advance(0);
    transport.sends[0]!.fail(retriable());
    await clock.advance(100);
    transport.sends[1]!.fail(retriable());
    await settle();
    await producer.close();
    producer.produce({ topic: "t", value: "late" }, record);
    await settle();
    expect(errors.map((e) => e.code)).toEqual(["INVALID_MESSAGE", "BROKER_UNAVAILABLE", "CLOSED"]);
  });

  it("contains a throwing callback: reported as a callbackError, the other messages settle", async () => {
    const { clock, transport, producer } = setup();
    await producer.connect();
    const reported: string[] = [];
    producer.on("callbackError", (e) => reported.push(`${e.callback}: ${String(e.error)}`));
    const outcomes: string[] = [];
    producer.produce({ topic: "t", value: "a" }, () => {
      throw new Error("boom");
    });
    producer.produce({ topic: "t", value: "b" }, (error) => outcomes.push(error ? "failed" : "acked"));
    await clock.advance(0);
    transport.sends[0]!.ack();
    await settle();
    expect(outcomes).toEqual(["acked"]);
    expect(reported).toEqual(["send callback: Error: boom"]);
    expect(producer.metrics()).toMatchObject({ acked: 2, callbackErrors: 1 });
    await producer.close();
  });

  it("tells sends refused for a full buffer through their callbacks, once each and never synchronously", async () => {
    const { clock, transport, producer } = setup({ bufferMaxBytes: 1_024, onBufferFull: "reject" });
    await producer.connect();
    const outcomes: string[] = [];
    const tell = (name: string) => (error: OutboundError | undefined) =>
      outcomes.push(`${name}: ${error ? error.code : "acked"}`);
    producer.produce({ topic: "t", value: "x".repeat(900) }, tell("first"));
    // Raw bytes are refused before a record is built; a serialized value once it cannot be reserved.
    producer.produce({ topic: "t", value: new Uint8Array(900) }, tell("bytes"));
    producer.produce({ topic: "t", value: "y".repeat(900) }, tell("json"));
    producer.produce({ topic: "t", value: new Uint8Array(900) }, () => {
      throw new Error("boom");
    });
    const reported: string[] = [];
    producer.on("callbackError", (e) => reported.push(`${e.callback}: ${String(e.error)}`));
    expect(outcomes).toEqual([]);
    await settle();
    expect(outcomes).toEqual(["bytes: BUFFER_FULL", "json: BUFFER_FULL"]);
    expect(reported).toEqual(["send callback: Error: boom"]);
    await clock.advance(0);
    transport.sends[0]!.ack();
    await settle();
    expect(outcomes).toEqual(["bytes: BUFFER_FULL", "json: BUFFER_FULL", "first: acked"]);
    expect(producer.metrics()).toMatchObject({ sent: 4, acked: 1, failed: 3, rejectedBufferFull: 3 });
    await producer.close();
    expect(outcomes).toHaveLength(3);
  });

  it("refuses a missing callback synchronously with INVALID_MESSAGE", () => {
    const { producer } = setup();
    expect(() => producer.produce({ topic: "t", value: "a" }, undefined as never)).toThrow(
      expect.objectContaining({ code: "INVALID_MESSAGE" }),
    );
  });
});

describe("sendMany(messages)", () => {
  it("returns one result per message in order; a bad one fails alone", async () => {
    const { clock, transport, producer } = setup();
    await producer.connect();
    const many = producer.sendMany([
      { topic: "t", value: 1 },
      { topic: "", value: 2 },
      { topic: "t", value: 3 },
    ]);
    await clock.advance(0);
    transport.sends[0]!.ack();
    const results = await many;
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[1]).toMatchObject({ reason: { code: "INVALID_MESSAGE" } });
    await expect(producer.sendMany([])).resolves.toEqual([]);
    await producer.close();
  });
});
