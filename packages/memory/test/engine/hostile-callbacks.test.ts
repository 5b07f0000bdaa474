/**
 * User code the engine calls on its own schedule (listeners, the logger, the dead-letter
 * predicate and sink, the OpenTelemetry SDK, the serializer, the partitioner) throws at every
 * call site in turn. Whatever it throws, each message's fate is the one it would have had: a
 * delivered message is stored exactly once and its send resolves, a failed one rejects with its
 * own OutboundError, everything settles, and the throw is reported once on the documented
 * channel (`callbackError` event, `metrics().callbackErrors`).
 */
import * as otel from "@opentelemetry/api";
import {
  type CallbackError,
  createProducer,
  OutboundError,
  type Producer,
  type ProducerConfig,
  type SendSettled,
} from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import type { MemoryBroker } from "../../src/index.js";
import { memoryTransport } from "../../src/index.js";

const producers: Producer[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 500 })));
});

const boom = (where: string) => () => {
  throw new Error(`${where} boom`);
};

/** A span whose every method but the ones the engine needs to start it throws. */
const hostileSpan = {
  isRecording: () => true,
  setAttributes: () => undefined,
  setAttribute: boom("span.setAttribute"),
  spanContext: () => otel.INVALID_SPAN_CONTEXT,
  recordException: boom("span.recordException"),
  setStatus: boom("span.setStatus"),
  end: boom("span.end"),
};

interface HostileCase {
  name: string;
  /** Where the engine reports the throw; `undefined` where the message's own error says it. */
  site: CallbackError["callback"] | undefined;
  config?: Partial<ProducerConfig>;
  arrange?: (producer: Producer, broker: MemoryBroker) => void;
  /** Values (of "m0".."m4") that must fail, with their code; the rest must be delivered. */
  failing?: Record<string, OutboundError["code"]>;
}

const rejectForbidden = (_: Producer, broker: MemoryBroker) => {
  broker.faults.rejectWhen((r) => Buffer.from(r.value).toString().includes("m3"), { code: "NOT_AUTHORIZED" });
};

const CASES: HostileCase[] = [
  {
    name: "an ack listener",
    site: "ack listener",
    arrange: (p) => p.on("ack", boom("ack listener")),
  },
  {
    name: "a once() ack listener",
    site: "ack listener",
    arrange: (p) =>
      (p as unknown as { once(e: string, l: () => void): void }).once("ack", boom("ack listener")),
  },
  {
    name: "a failure listener",
    site: "failure listener",
    arrange: (p, b) => {
      rejectForbidden(p, b);
      p.on("failure", boom("failure listener"));
    },
    failing: { m3: "NOT_AUTHORIZED" },
  },
  {
    name: "a retry listener",
    site: "retry listener",
    config: { retry: { initialMs: 1, maxMs: 1 } },
    arrange: (p, b) => {
      b.faults.failNext(1, { code: "BROKER_UNAVAILABLE" });
      p.on("retry", boom("retry listener"));
    },
  },
  {
    name: "a backpressure listener",
    site: "backpressure listener",
    arrange: (p, b) => {
      p.on("backpressure", boom("backpressure listener"));
      b.faults.pause();
      setTimeout(() => b.faults.resume(), 30);
    },
  },
  {
    name: "every logger method",
    site: "logger",
    config: {
      logger: { debug: boom("debug"), info: boom("info"), warn: boom("warn"), error: boom("error") },
      retry: { initialMs: 1, maxMs: 1 },
    },
    arrange: (p, b) => {
      rejectForbidden(p, b);
      b.faults.failNext(1, { code: "BROKER_UNAVAILABLE" });
    },
    failing: { m3: "NOT_AUTHORIZED" },
  },
  {
    name: "deadLetter.when",
    site: "deadLetter.when",
    config: { deadLetter: { topic: "dlq", when: boom("deadLetter.when") } },
    arrange: rejectForbidden,
    failing: { m3: "NOT_AUTHORIZED" },
  },
  {
    name: "a dead-letter sink's write()",
    site: undefined,
    config: { deadLetter: { sink: { description: "hostile sink", write: boom("sink.write") } } },
    arrange: rejectForbidden,
    failing: { m3: "NOT_AUTHORIZED" },
  },
  {
    name: "the tracer's startSpan()",
    site: "telemetry",
    config: {
      telemetry: { api: otel, tracerProvider: { getTracer: () => ({ startSpan: boom("startSpan") }) } },
    },
  },
  {
    name: "every span method after start",
    site: "telemetry",
    config: {
      telemetry: { api: otel, tracerProvider: { getTracer: () => ({ startSpan: () => hostileSpan }) } },
    },
    arrange: rejectForbidden,
    failing: { m3: "NOT_AUTHORIZED" },
  },
  {
    name: "the meter provider",
    site: "telemetry",
    config: { telemetry: { api: otel, meterProvider: { getMeter: boom("getMeter") } } },
  },
  {
    name: "a callbackError listener, on top of an ack listener",
    site: "ack listener",
    arrange: (p) => {
      p.on("ack", boom("ack listener"));
      p.on("callbackError", boom("callbackError listener"));
    },
  },
  {
    name: "the serializer, for one message",
    site: undefined,
    config: {
      serializer: {
        contentType: "text/plain",
        serialize: (value) => {
          if (value === "m2") throw new Error("serializer boom");
          return Buffer.from(String(value));
        },
      },
    },
    failing: { m2: "SERIALIZATION_FAILED" },
  },
  {
    name: "an async serializer, for one message",
    site: undefined,
    config: {
      serializer: {
        contentType: "text/plain",
        serialize: async (value) => {
          if (value === "m2") throw new Error("serializer boom");
          return Buffer.from(String(value));
        },
      },
    },
    failing: { m2: "SERIALIZATION_FAILED" },
  },
  {
    name: "the partitioner, for one key",
    site: undefined,
    config: {
      partitioner: (ctx) => {
        if (Buffer.from(ctx.key ?? []).toString() === "k1") throw new Error("partitioner boom");
        return 0;
      },
    },
    failing: { m1: "INVALID_MESSAGE" },
  },
];

/** Fails the test instead of hanging it when something never settles. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe("a throwing user callback never changes a message's fate", () => {
  it.each(CASES)("$name", async ({ site, config, arrange, failing = {} }) => {
    const transport = memoryTransport({ partitions: 2 });
    const broker = transport.broker;
    const producer = createProducer({ transport, deliveryTimeoutMs: 5_000, ...config } as ProducerConfig);
    producers.push(producer);
    const reported: CallbackError[] = [];
    producer.on("callbackError", (e) => reported.push(e));
    await producer.connect();
    arrange?.(producer, broker);

    const values = ["m0", "m1", "m2", "m3", "m4"];
    const settled: SendSettled[] = await within(
      producer.sendMany(values.map((v, i) => ({ topic: "t", key: `k${i}`, value: v }))),
      4_000,
      "sendMany",
    );

    expect(settled).toHaveLength(values.length);
    values.forEach((value, i) => {
      const outcome = settled[i]!;
      const code = failing[value];
      if (code === undefined) {
        expect(outcome.status, value).toBe("fulfilled");
      } else {
        expect(outcome.status, value).toBe("rejected");
        const reason = outcome.status === "rejected" ? outcome.reason : undefined;
        expect(reason, value).toBeInstanceOf(OutboundError);
        expect(reason?.code, value).toBe(code);
      }
    });
    // Each delivered message is stored once: a throw never reaches the transport as a failure
    // that would send acknowledged messages again.
    const stored = broker.messages("t").map((m) => Buffer.from(m.value).toString().replaceAll('"', ""));
    const delivered = values.filter((v) => failing[v] === undefined);
    expect(stored.toSorted()).toEqual(delivered.toSorted());

    if (site !== undefined) {
      expect(reported.map((r) => r.callback)).toContain(site);
      expect(producer.metrics().callbackErrors).toBeGreaterThanOrEqual(reported.length);
      expect(reported.every((r) => r.error instanceof Error)).toBe(true);
    }
    await within(producer.flush(), 2_000, "flush");
  });

  it("a throwing listener of one event does not keep the next listener from running", async () => {
    const transport = memoryTransport();
    const producer = createProducer({ transport });
    producers.push(producer);
    let seen = 0;
    producer.on("ack", boom("first ack listener"));
    producer.on("ack", () => seen++);
    await producer.sendMany([1, 2, 3].map((value) => ({ topic: "t", value })));
    expect(seen).toBe(3);
    expect(producer.metrics().callbackErrors).toBe(3);
  });

  it("a failure listener that throws leaves send() rejecting with the message's own OutboundError", async () => {
    const transport = memoryTransport();
    const producer = createProducer({ transport });
    producers.push(producer);
    producer.on("failure", boom("failure listener"));
    const error = await producer.send({ topic: "", value: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).code).toBe("INVALID_MESSAGE");
  });
});
