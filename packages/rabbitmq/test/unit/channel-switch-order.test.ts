/**
 * A batch whose channel is lost while it waits for room in the confirm window (in the fault
 * matrix: a connection toxiproxy held for 10 s, then cut) must not write the rest of its records
 * on the replacement channel. What it wrote on the lost channel fails and the engine retries it,
 * so anything the batch put on the new channel first would be stored ahead of those retries: per-key
 * order broken although every message is stored once. amqplib is replaced by a scripted broker, so
 * the interleaving is exact.
 */
import { createProducer, type DeliveryReport } from "@outbound/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { rabbitmqTransport } from "../../src/index.js";
import { batch, record } from "../records.js";
import { broker } from "./fake-amqplib.js";

vi.mock("amqplib", () => import("./fake-amqplib.js"));

const options = {
  destination: "queue" as const,
  discoverPartitions: false,
  confirmWindow: 3,
  reconnectInitialMs: 1,
};

let confirmer: ReturnType<typeof setInterval> | undefined;
beforeEach(() => {
  broker.reset();
  // The first channel never answers (its connection is held); later ones confirm at once.
  confirmer = setInterval(() => {
    for (const c of broker.channels) if (c.id > 1) c.ackAll();
  }, 1);
});
afterEach(() => clearInterval(confirmer));

const first = () => broker.channels[0]!;
const writtenAfterFirst = () => broker.channels.slice(1).flatMap((c) => c.written);

describe("rabbitmq: a batch never continues on a replacement channel", () => {
  it("fails the records after a lost channel, retriable, instead of writing them on the next one", async () => {
    const transport = rabbitmqTransport(options);
    try {
      await transport.connect();
      const records = ["a", "b", "c", "d", "e"].map((v) => record("q", v));
      const sending = transport.send(batch("q", records), {
        signal: new AbortController().signal,
        timeoutMs: 30_000,
      });
      // The window of 3 is full: a, b, c are out on channel 1 and d waits for a slot.
      await vi.waitFor(() => expect(first().written).toEqual(["a", "b", "c"]));
      broker.connections[0]!.cut();
      const results = await sending;
      expect(writtenAfterFirst()).toEqual([]);
      expect(results.map((r) => (r.ok ? "ok" : r.error.kind))).toEqual([
        "unknown-outcome",
        "unknown-outcome",
        "unknown-outcome",
        "retriable",
        "retriable",
      ]);
      expect(transport.confirmWindow.outstanding).toBe(0);
      // The next request goes out on the new connection.
      const after = await transport.send(batch("q", [record("q", "f")]), {
        signal: new AbortController().signal,
        timeoutMs: 30_000,
      });
      expect(after[0]?.ok).toBe(true);
      expect(writtenAfterFirst()).toEqual(["f"]);
    } finally {
      await transport.close();
    }
  });

  it("writes nothing once the engine has given the request up, even when the reconnect it waited for succeeds", async () => {
    const transport = rabbitmqTransport(options);
    try {
      await transport.connect();
      const context = () => ({ signal: new AbortController().signal, timeoutMs: 30_000 });
      // A fills the window on channel 1; B waits for a slot.
      const a = transport.send(
        batch(
          "q",
          ["a1", "a2", "a3"].map((v) => record("q", v)),
        ),
        context(),
      );
      const controller = new AbortController();
      const b = transport.send(batch("q", [record("q", "b1")]), {
        signal: controller.signal,
        timeoutMs: 100,
      });
      await vi.waitFor(() => expect(first().written).toEqual(["a1", "a2", "a3"]));
      // The cut frees the window; B now waits for a reconnect, which outlasts B's request.
      let open!: () => void;
      broker.gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      broker.connections[0]!.cut();
      await a;
      controller.abort();
      open();
      const [result] = await b;
      expect(result).toMatchObject({ ok: false, error: { code: "BROKER_UNAVAILABLE", kind: "retriable" } });
      // The engine retries b1 itself; a copy written now would race that retry.
      expect(writtenAfterFirst()).toEqual([]);
      expect(transport.confirmWindow.outstanding).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it("through the engine: one key's messages are stored in send order across a request timeout and the cut", async () => {
    const producer = createProducer({
      transport: rabbitmqTransport(options),
      serializer: "string",
      requestTimeoutMs: 100,
      retry: { initialMs: 1, maxMs: 1 },
    });
    try {
      await producer.connect();
      const sends: Promise<DeliveryReport>[] = [];
      const send = (i: number) => sends.push(producer.send({ topic: "q", key: "k", value: `m${i}` }));
      // m0 goes out alone on channel 1, which never answers; its slot stays taken.
      send(0);
      await vi.waitFor(() => expect(first().written).toEqual(["m0"]));
      for (let i = 1; i < 8; i++) send(i);
      // The engine gives m0's request up after 100 ms and retries m0, m1, m2 as one batch: two
      // slots are free, so m2 waits while m0 and m1 are out on channel 1 too.
      await vi.waitFor(() => expect(first().written).toEqual(["m0", "m0", "m1"]));
      // Toxiproxy drops the held connection: everything on channel 1 is lost.
      broker.connections[0]!.cut();
      await Promise.all(sends);
      expect(broker.stored()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    } finally {
      await producer.close({ timeoutMs: 1000 });
    }
  });
});
