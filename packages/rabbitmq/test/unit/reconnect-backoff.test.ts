import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../../src/index.js";
import { batch, record } from "../records.js";

/** A port with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("reconnect backoff (no broker: a refused port)", () => {
  it("fails a refused connect as retriable BROKER_UNAVAILABLE and spaces the next attempt", async () => {
    const port = await closedPort();
    const transport = rabbitmqTransport({ port, reconnectInitialMs: 300, reconnectMaxMs: 1000 });
    try {
      // The backoff runs from the first failure, which comes after this: a lower bound that a
      // slow machine cannot break (time spent between the two calls counts toward the backoff).
      const started = performance.now();
      await expect(transport.connect()).rejects.toMatchObject({
        code: "BROKER_UNAVAILABLE",
        kind: "retriable",
      });
      await expect(transport.connect()).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE" });
      // 300 ms less the 20 % jitter: the second attempt waited for the backoff.
      expect(performance.now() - started).toBeGreaterThanOrEqual(235);
    } finally {
      await transport.close();
    }
  });

  it("a send waiting out the backoff gives up when the engine aborts it, writing nothing", async () => {
    const port = await closedPort();
    const transport = rabbitmqTransport({ port, reconnectInitialMs: 5000, reconnectMaxMs: 5000 });
    try {
      await expect(transport.connect()).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE" });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      await expect(
        transport.send(batch("t", [record("t", "x")]), { signal: controller.signal, timeoutMs: 50 }),
      ).rejects.toMatchObject({ code: "BROKER_UNAVAILABLE", kind: "retriable" });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await transport.close();
    }
  });

  it("refuses to send after close with CLOSED", async () => {
    const transport = rabbitmqTransport({ port: await closedPort() });
    await transport.close();
    await expect(
      transport.send(batch("t", [record("t", "x")]), {
        signal: new AbortController().signal,
        timeoutMs: 1000,
      }),
    ).rejects.toMatchObject({ code: "CLOSED" });
  });
});
