import { describe, expect, it } from "vitest";
import { OutboundError, type ProducerConfig } from "../src/index.js";
import { createProducerWith } from "../src/producer/create.js";
import type { PendingRecord, RecordState } from "../src/producer/pending.js";
import { FakeClock, settle } from "./support/fake-clock.js";
import { scriptedTransport } from "./support/scripted-transport.js";

/**
 * The one `state` field a record carries through the pipeline. The transport receives the
 * engine's own record objects, so a test reads each one's state at every step of its way.
 */

const noJitter = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 };

function setup(config: Omit<ProducerConfig, "transport"> = {}) {
  const clock = new FakeClock();
  const transport = scriptedTransport(clock);
  const telemetry = { tracing: false, metrics: false };
  const producer = createProducerWith({ transport, retry: noJitter, telemetry, ...config }, { clock });
  return { clock, transport, producer };
}

const stateOf = (record: unknown): RecordState => (record as PendingRecord).state;

describe("a record's state", () => {
  it("goes in-flight, back to backoff on a retriable failure, in-flight again, then settled", async () => {
    const { clock, transport, producer } = setup();
    const sent = producer.send({ topic: "t", value: "a" });
    await clock.advance(0);
    const record = transport.sends[0]!.batch.records[0];
    expect(stateOf(record)).toBe("in-flight");

    transport.sends[0]!.fail(new OutboundError("BROKER_UNAVAILABLE", "down", { kind: "retriable" }));
    await settle();
    expect(stateOf(record)).toBe("backoff");
    expect(producer.metrics().pending).toBe(1);

    await clock.advance(100);
    expect(transport.sends).toHaveLength(2);
    // The same object comes back for the retry, in flight again.
    expect(transport.sends[1]!.batch.records[0]).toBe(record);
    expect(stateOf(record)).toBe("in-flight");

    transport.sends[1]!.ack();
    await expect(sent).resolves.toMatchObject({ attempts: 2 });
    expect(stateOf(record)).toBe("settled");
    await producer.close();
  });

  it("is dead-lettering while the copy is written, and the send settles only after it", async () => {
    let finishWrite: (destination: string) => void = () => {};
    const sink = {
      description: "test:held",
      write: () =>
        new Promise<string>((resolve) => {
          finishWrite = resolve;
        }),
    };
    const { clock, transport, producer } = setup({ deadLetter: { sink } });
    let outcome: unknown;
    const sent = producer.send({ topic: "t", value: "a" }).catch((error: unknown) => {
      outcome = error;
    });
    await clock.advance(0);
    const record = transport.sends[0]!.batch.records[0];
    transport.sends[0]!.fail(new OutboundError("MESSAGE_TOO_LARGE", "too big", { kind: "terminal" }));
    await settle();
    expect(stateOf(record)).toBe("dead-lettering");
    expect(outcome).toBeUndefined();
    // A record out of the pipeline no longer counts as pending; close() still waits for the copy.
    expect(producer.metrics().pending).toBe(0);

    finishWrite("test:held/0");
    await sent;
    expect(stateOf(record)).toBe("settled");
    expect(outcome).toBeInstanceOf(OutboundError);
    expect((outcome as OutboundError).deadLetter).toEqual({ destination: "test:held/0" });
    await producer.close();
  });

  it("a success the transport reports early is not settled again when its request ends", async () => {
    const { clock, transport, producer } = setup();
    const acks: unknown[] = [];
    producer.on("ack", (event) => acks.push(event));
    const sent = producer.send({ topic: "t", value: "a" });
    await clock.advance(0);
    const send = transport.sends[0]!;
    send.context.recordSettled?.(0, { ok: true, offset: "7" });
    await expect(sent).resolves.toMatchObject({ offset: "7" });
    expect(stateOf(send.batch.records[0])).toBe("settled");
    send.ack();
    await settle();
    expect(acks).toHaveLength(1);
    expect(producer.metrics()).toMatchObject({ acked: 1, failed: 0 });
    await producer.close();
  });

  it("is a record whose OutboundRecord fields survive a spread, as a transport may copy it", async () => {
    const { clock, transport, producer } = setup();
    const sent = producer.send({ topic: "t", value: "a", id: "order-7" });
    await clock.advance(0);
    const copy = { ...transport.sends[0]!.batch.records[0]! };
    expect(copy).toMatchObject({ topic: "t", id: "order-7", delayMs: undefined, attempt: 1 });
    expect(Object.keys(copy)).toEqual(expect.arrayContaining(["id", "delayMs", "timestamp", "value"]));
    transport.sends[0]!.ack();
    await sent;
    await producer.close();
  });
});
