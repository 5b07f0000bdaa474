/**
 * The deadline model: every phase of a send (connect, serializer, partition lookup, buffer
 * space, the request, retries) runs inside the message's own `deliveryTimeoutMs`, whatever the
 * transport's own timeouts; combinations that cannot be honoured are refused when the producer
 * is created. The brokers' side of this (a broker that accepts connections and never answers)
 * is the contract suite's `deadlines` group.
 */
import {
  createProducer,
  OutboundError,
  type Producer,
  type ProducerConfig,
  type Transport,
} from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import { memoryTransport } from "../../src/index.js";
import { rejection } from "./rejection.js";

const producers: Producer[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 200 })));
});

function producerWith(transport: Transport, config: Partial<ProducerConfig> = {}): Producer {
  const producer = createProducer({ transport, ...config } as ProducerConfig);
  producers.push(producer);
  return producer;
}

/** The memory transport with some of its methods replaced. */
function transportWith(overrides: Partial<Transport>): Transport {
  const base = memoryTransport();
  return {
    name: "memory",
    capabilities: base.capabilities,
    connect: () => base.connect(),
    partitions: (topic) => base.partitions(topic),
    send: (batch, context) => base.send(batch, context),
    close: () => base.close(),
    ...overrides,
  };
}

const never = () => new Promise<never>(() => undefined);

/** How late a settlement may be on a loaded two-core machine; the old sweeper could be 154 ms late. */
const SLACK_MS = 80;

async function settleTime(promise: Promise<unknown>): Promise<{ ms: number; error: OutboundError }> {
  const started = performance.now();
  const error = await rejection(promise);
  return { ms: performance.now() - started, error };
}

describe("createProducer refuses what cannot be honoured", () => {
  it("deliveryTimeoutMs below lingerMs + requestTimeoutMs, both given, is INVALID_CONFIG naming all three", () => {
    let error: unknown;
    try {
      createProducer({ transport: memoryTransport(), deliveryTimeoutMs: 1000, requestTimeoutMs: 30_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).code).toBe("INVALID_CONFIG");
    expect((error as OutboundError).message).toMatch(/deliveryTimeoutMs.*lingerMs.*requestTimeoutMs/);
  });

  it("deliveryTimeoutMs alone shrinks the request timeout to fit it, as Java's producer does", () => {
    const producer = producerWith(memoryTransport(), { deliveryTimeoutMs: 1000, lingerMs: 50 });
    expect(producer.describeConfig()).toMatchObject({ deliveryTimeoutMs: 1000, requestTimeoutMs: 950 });
  });

  it("requestTimeoutMs alone grows the delivery timeout to hold one request", () => {
    const producer = producerWith(memoryTransport(), { requestTimeoutMs: 200_000 });
    expect(producer.describeConfig()).toMatchObject({
      deliveryTimeoutMs: 200_000,
      requestTimeoutMs: 200_000,
    });
  });

  it("deliveryTimeoutMs not above lingerMs is INVALID_CONFIG", () => {
    expect(() =>
      createProducer({ transport: memoryTransport(), deliveryTimeoutMs: 100, lingerMs: 100 }),
    ).toThrow(/deliveryTimeoutMs: 100 ms must be more than lingerMs/);
  });

  it.each([
    ["kafka://127.0.0.1:0", /port "0"/],
    ["kafka://127.0.0.1:65536", /port "65536"/],
    ["kafka://127.0.0.1:90x", /port "90x"/],
    ["amqp://guest:secret@:5672", /empty host/],
    ["kafka://a:9092,,b:9092", /empty host/],
  ])(
    "a URL with a port or host that cannot be right (%s) is INVALID_CONFIG at createProducer",
    (url, why) => {
      let error: unknown;
      try {
        createProducer({ url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OutboundError);
      expect((error as OutboundError).code).toBe("INVALID_CONFIG");
      expect((error as OutboundError).message).toMatch(why);
      expect((error as OutboundError).message).not.toContain("secret");
    },
  );

  it("an OUTBOUND_URL that is wrong says it came from OUTBOUND_URL", () => {
    const saved = process.env.OUTBOUND_URL;
    try {
      for (const [url, code] of [
        ["kafka://127.0.0.1:0", "INVALID_CONFIG"],
        ["nosuch://127.0.0.1:1", "UNKNOWN_TRANSPORT"],
        ["127.0.0.1:9092", "INVALID_CONFIG"],
      ] as const) {
        process.env.OUTBOUND_URL = url;
        let error: unknown;
        try {
          createProducer();
        } catch (e) {
          error = e;
        }
        expect(error, url).toBeInstanceOf(OutboundError);
        expect((error as OutboundError).code, url).toBe(code);
        expect((error as OutboundError).message, url).toContain("OUTBOUND_URL");
      }
    } finally {
      if (saved === undefined) delete process.env.OUTBOUND_URL;
      else process.env.OUTBOUND_URL = saved;
    }
  });
});

describe("every phase of a send runs inside its deadline", () => {
  it("a connect that never finishes: send() settles at deliveryTimeoutMs, saying nothing was sent", async () => {
    const producer = producerWith(transportWith({ connect: never }), { deliveryTimeoutMs: 300 });
    const { ms, error } = await settleTime(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.kind).toBe("retriable");
    expect(error.message).toMatch(/connection to the broker.*nothing was sent/);
    expect(ms).toBeGreaterThanOrEqual(295);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it("sendMany does not wait for a connect attempt first: it settles when a single send would", async () => {
    const producer = producerWith(transportWith({ connect: never }), { deliveryTimeoutMs: 300 });
    const started = performance.now();
    const settled = await producer.sendMany([1, 2, 3].map((value) => ({ topic: "t", value })));
    const ms = performance.now() - started;
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it("a connect that keeps failing: the send settles by its deadline and carries the last connect error", async () => {
    let attempts = 0;
    const refused = () => {
      attempts++;
      return Promise.reject(
        new OutboundError("BROKER_UNAVAILABLE", "connection refused by 127.0.0.1:1", { transport: "memory" }),
      );
    };
    const producer = producerWith(transportWith({ connect: refused }), {
      deliveryTimeoutMs: 400,
      retry: { initialMs: 50, maxMs: 50 },
    });
    const { ms, error } = await settleTime(producer.send({ topic: "t", value: 1 }));
    expect(attempts).toBeGreaterThan(1);
    expect(error.retriable || error.kind === "retriable").toBe(true);
    expect(error.message).toContain("connection refused by 127.0.0.1:1");
    expect(ms).toBeLessThan(400 + SLACK_MS);
  });

  it("a partition lookup that never answers: the send settles at its deadline", async () => {
    const producer = producerWith(transportWith({ partitions: never }), { deliveryTimeoutMs: 300 });
    const { ms, error } = await settleTime(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/partition count of t.*nothing was sent/);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it("a serializer that never finishes: the send settles at its deadline", async () => {
    const producer = producerWith(memoryTransport(), {
      deliveryTimeoutMs: 300,
      serializer: { contentType: "text/plain", serialize: never },
    });
    await producer.connect();
    const { ms, error } = await settleTime(producer.send({ topic: "t", value: 1 }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/serializer/);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it("a blocked wait for buffer space ends at the deadline when that comes before maxBlockMs", async () => {
    const transport = memoryTransport();
    const producer = producerWith(transport, {
      deliveryTimeoutMs: 300,
      maxBlockMs: 60_000,
      bufferMaxBytes: 1024,
    });
    await producer.connect();
    transport.broker.faults.hang();
    const first = producer.send({ topic: "t", value: new Uint8Array(1000) });
    const { ms } = await settleTime(producer.send({ topic: "t", value: new Uint8Array(1000) }));
    expect(ms).toBeLessThan(300 + SLACK_MS);
    await rejection(first);
  });

  it("records queued while the broker pauses producers each fail at their own deadline, not at a sweeper's tick", async () => {
    const transport = memoryTransport();
    const producer = producerWith(transport, { deliveryTimeoutMs: 250 });
    await producer.connect();
    // Flow control holds every record in its lane, so only the deadline timer can end them. They
    // are sent 13 ms apart, so a 100 ms sweeper would have been late for most of them.
    transport.broker.faults.pause();
    const lateness: Promise<number>[] = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      lateness.push(
        producer.send({ topic: "t", value: i }).then(
          () => Number.POSITIVE_INFINITY,
          () => performance.now() - started - 250,
        ),
      );
      await new Promise((r) => setTimeout(r, 13));
    }
    const late = await Promise.all(lateness);
    transport.broker.faults.resume();
    for (const ms of late) {
      // A deadline within 1 ms counts as reached (timers fire a fraction early).
      expect(ms).toBeGreaterThanOrEqual(-1.5);
      expect(ms).toBeLessThan(SLACK_MS);
    }
    expect(transport.broker.count("t")).toBe(0);
  });
});

describe("close() keeps its own timeout", () => {
  it("a transport whose close never finishes (still dialling a silent broker) does not hold close() past timeoutMs", async () => {
    let closeCalled = false;
    const producer = createProducer({
      transport: transportWith({
        connect: never,
        close: () => {
          closeCalled = true;
          return never();
        },
      }),
      deliveryTimeoutMs: 200,
    });
    const sent = rejection(producer.send({ topic: "t", value: 1 }));
    const started = performance.now();
    await producer.close({ timeoutMs: 400 });
    const elapsed = performance.now() - started;
    expect(closeCalled).toBe(true);
    expect((await sent).code).toBe("TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(400 + SLACK_MS);
  });
});
