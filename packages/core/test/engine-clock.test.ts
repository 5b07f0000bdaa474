import { describe, expect, it } from "vitest";
import { type DeliveryReport, OutboundError, type ProducerConfig } from "../src/index.js";
import { createProducerWith } from "../src/producer/create.js";
import { FakeClock, settle } from "./support/fake-clock.js";
import { scriptedTransport } from "./support/scripted-transport.js";

/**
 * The engine's timing on a fake clock: linger, retry backoff, request and delivery timeouts,
 * the buffer's maxBlockMs, connect retries and close's budget. Every expectation is a time on
 * the clock, exact to the millisecond, because nothing else moves it.
 */

const retriable = (reason = "broker unavailable") =>
  new OutboundError("BROKER_UNAVAILABLE", reason, { kind: "retriable" });

/** No jitter, so a backoff is one known number. */
const noJitter = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 };

function setup(config: Omit<ProducerConfig, "transport"> = {}, transportOptions = {}) {
  const clock = new FakeClock();
  const transport = scriptedTransport(clock, transportOptions);
  // Telemetry off: loading @opentelemetry/api is real module I/O at connect, which the fake
  // clock cannot wait for; everything else the engine does here is promise jobs and timers.
  const telemetry = { tracing: false, metrics: false };
  const producer = createProducerWith({ transport, retry: noJitter, telemetry, ...config }, { clock });
  return { clock, transport, producer };
}

/** The settled state of a promise, read without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown; at?: number } = { done: false };
  return {
    state,
    watch(clock: FakeClock) {
      promise.then(
        (value) => Object.assign(state, { done: true, value, at: clock.now() }),
        (error: unknown) => Object.assign(state, { done: true, error, at: clock.now() }),
      );
      return state;
    },
  };
}

describe("linger", () => {
  it("holds a lone record for lingerMs, and one arriving meanwhile joins its batch", async () => {
    const { clock, transport, producer } = setup({ lingerMs: 20 });
    const first = producer.send({ topic: "t", value: "a" });
    await clock.advance(10);
    const second = producer.send({ topic: "t", value: "b" });
    await clock.advance(9);
    expect(transport.sends).toHaveLength(0);
    await clock.advance(1);
    expect(transport.sends.map((s) => [s.at, s.batch.records.length])).toEqual([[20, 2]]);
    transport.sends[0]!.ack();
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    await producer.close();
  });

  it("sends a full batch at once, without waiting out the linger", async () => {
    const { clock, transport, producer } = setup(
      { lingerMs: 5_000 },
      { capabilities: { maxBatchRecords: 3 } },
    );
    const sends = [1, 2, 3].map((i) => producer.send({ topic: "t", value: i }));
    await clock.advance(0);
    expect(transport.sends.map((s) => [s.at, s.batch.records.length])).toEqual([[0, 3]]);
    transport.sends[0]!.ack();
    await Promise.all(sends);
    await producer.close();
  });

  it("flush() sends what lingers now", async () => {
    const { clock, transport, producer } = setup({ lingerMs: 5_000 });
    const sent = producer.send({ topic: "t", value: "a" });
    await clock.advance(1);
    const flushed = producer.flush();
    await settle();
    expect(transport.sends.map((s) => s.at)).toEqual([1]);
    transport.sends[0]!.ack();
    await flushed;
    await sent;
    await producer.close();
  });
});

describe("retries", () => {
  it("waits one backoff per retry (100, then 200 ms) and keeps the record's attempt count", async () => {
    const { clock, transport, producer } = setup();
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(0);
    transport.sends[0]!.fail(retriable());
    await clock.advance(99);
    expect(transport.sends).toHaveLength(1);
    await clock.advance(1);
    expect(transport.sends.map((s) => s.at)).toEqual([0, 100]);
    transport.sends[1]!.fail(retriable());
    await clock.advance(200);
    expect(transport.sends.map((s) => s.at)).toEqual([0, 100, 300]);
    expect(transport.sends.map((s) => s.attempts)).toEqual([[1], [2], [3]]);
    transport.sends[2]!.ack();
    await settle();
    expect((report.value as DeliveryReport).attempts).toBe(3);
    await producer.close();
  });

  it("does not retry a terminal failure", async () => {
    const { clock, transport, producer } = setup();
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(0);
    transport.sends[0]!.fail(new OutboundError("MESSAGE_TOO_LARGE", "too big", { kind: "terminal" }));
    await clock.advance(10_000);
    expect(transport.sends).toHaveLength(1);
    expect(report).toMatchObject({ done: true, at: 0 });
    expect((report.error as OutboundError).code).toBe("MESSAGE_TOO_LARGE");
    await producer.close();
  });

  it("gives up when the next backoff would end past deliveryTimeoutMs, with the last error", async () => {
    const { clock, transport, producer } = setup({ deliveryTimeoutMs: 1_000, requestTimeoutMs: 500 });
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    // Attempts at 0, 100, 300, 700; the next backoff (800 ms) would end at 1,500.
    for (const at of [0, 100, 300, 700]) {
      await clock.advance(at - clock.now());
      expect(transport.sends.at(-1)?.at).toBe(at);
      transport.sends.at(-1)!.fail(retriable(`attempt at ${at}`));
    }
    await clock.advance(2_000);
    expect(transport.sends).toHaveLength(4);
    expect(report.done).toBe(true);
    expect(report.at).toBeLessThanOrEqual(1_000);
    expect((report.error as OutboundError).message).toContain("attempt at 700");
    await producer.close();
  });
});

describe("timeouts", () => {
  it("aborts a request the broker does not answer at requestTimeoutMs, then retries it", async () => {
    const { clock, transport, producer } = setup({ deliveryTimeoutMs: 10_000, requestTimeoutMs: 300 });
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(0);
    const first = transport.sends[0]!;
    expect(first.context.timeoutMs).toBe(300);
    await clock.advance(299);
    expect(first.context.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(first.context.signal.aborted).toBe(true);
    // An unanswered request is an unknown outcome: retried after the backoff, same record.
    await clock.advance(100);
    expect(transport.sends.map((s) => s.at)).toEqual([0, 400]);
    expect(transport.sends[1]!.batch.records[0]).toBe(first.batch.records[0]);
    transport.sends[1]!.ack();
    await settle();
    expect(report.value).toMatchObject({ attempts: 2 });
    await producer.close();
  });

  it("fails a send the broker never answers at deliveryTimeoutMs, not a millisecond later", async () => {
    const { clock, producer } = setup({ deliveryTimeoutMs: 1_000, requestTimeoutMs: 1_000 });
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(999);
    expect(report.done).toBe(false);
    await clock.advance(1);
    expect(report).toMatchObject({ done: true, at: 1_000 });
    expect((report.error as OutboundError).code).toBe("TIMEOUT");
    await producer.close({ timeoutMs: 0 });
  });

  it("counts the deadline from send(), through a connect that never finishes", async () => {
    const { clock, transport, producer } = setup(
      { deliveryTimeoutMs: 1_500, requestTimeoutMs: 1_000 },
      { connect: () => new Promise<void>(() => {}) },
    );
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(1_499);
    expect(report.done).toBe(false);
    await clock.advance(1);
    expect(report).toMatchObject({ done: true, at: 1_500 });
    expect((report.error as OutboundError).message).toContain(
      "still waiting for the connection to the broker",
    );
    expect(transport.sends).toHaveLength(0);
    await producer.close({ timeoutMs: 0 });
  });

  it("retries a failed connect with backoff, inside the deadline", async () => {
    let failures = 2;
    const { clock, transport, producer } = setup(
      {},
      {
        connect: async () => {
          if (failures-- > 0) throw retriable("connection refused");
        },
      },
    );
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(300);
    expect(transport.connects).toEqual([0, 100, 300]);
    expect(transport.sends.map((s) => s.at)).toEqual([300]);
    transport.sends[0]!.ack();
    await settle();
    expect(report.value).toMatchObject({ acknowledged: true });
    await producer.close();
  });
});

describe("the buffer", () => {
  it("blocks a send for maxBlockMs when the buffer is full, then refuses it with BUFFER_FULL", async () => {
    const { clock, transport, producer } = setup({ bufferMaxBytes: 1_024, maxBlockMs: 200 });
    const big = "x".repeat(900);
    const first = track(producer.send({ topic: "t", value: big })).watch(clock);
    const second = track(producer.send({ topic: "t", value: big })).watch(clock);
    await clock.advance(199);
    expect(second.done).toBe(false);
    await clock.advance(1);
    expect(second).toMatchObject({ done: true, at: 200 });
    expect((second.error as OutboundError).code).toBe("BUFFER_FULL");
    transport.sends[0]!.ack();
    await settle();
    expect(first.value).toMatchObject({ acknowledged: true });
    await producer.close();
  });

  it("lets a blocked send in as soon as space is released", async () => {
    const { clock, transport, producer } = setup({ bufferMaxBytes: 1_024, maxBlockMs: 5_000 });
    const big = "x".repeat(900);
    track(producer.send({ topic: "t", value: big })).watch(clock);
    const second = track(producer.send({ topic: "t", value: big })).watch(clock);
    await clock.advance(50);
    transport.sends[0]!.ack();
    await clock.advance(0);
    expect(transport.sends.map((s) => s.at)).toEqual([0, 50]);
    transport.sends[1]!.ack();
    await settle();
    expect(second.value).toMatchObject({ acknowledged: true });
    await producer.close();
  });
});

describe("close", () => {
  it("waits for what is in flight up to its timeout, then returns what it could not deliver", async () => {
    const { clock, transport, producer } = setup({ deliveryTimeoutMs: 60_000, requestTimeoutMs: 30_000 });
    const report = track(producer.send({ topic: "t", value: "a" })).watch(clock);
    await clock.advance(0);
    const closed = track(producer.close({ timeoutMs: 500 })).watch(clock);
    await clock.advance(499);
    expect(closed.done).toBe(false);
    await clock.advance(1);
    expect(closed).toMatchObject({ done: true, at: 500 });
    const result = closed.value as { undelivered: { message: { value: unknown } }[] };
    expect(result.undelivered.map((u) => u.message.value)).toEqual(["a"]);
    expect(report.done).toBe(true);
    expect(report.error).toBeInstanceOf(OutboundError);
    expect(transport.closed).toBe(true);
  });

  it("returns as soon as the last message settles, well inside its timeout", async () => {
    const { clock, transport, producer } = setup();
    const sent = producer.send({ topic: "t", value: "a" });
    await clock.advance(0);
    const closed = track(producer.close({ timeoutMs: 10_000 })).watch(clock);
    await clock.advance(25);
    transport.sends[0]!.ack();
    await settle();
    expect(closed).toMatchObject({ done: true, at: 25 });
    await sent;
    // Nothing left armed: a closed producer holds no timer.
    expect(clock.armed).toBe(0);
  });
});
