import { createServer, type Server, type Socket } from "node:net";
import { OutboundError } from "@outbound/core";
import { expect, it } from "vitest";
import type { ContractContext } from "../context.js";

/** The delivery timeout the group promises to keep: short, so a broken path shows as seconds. */
const DELIVERY_TIMEOUT_MS = 1_500;
/**
 * How late a settlement may come. Timers here run on a busy two-core machine beside four
 * brokers; the paths this group guards used to settle 8-60 s late, so a second still tells
 * them apart.
 */
const SLACK_MS = 1_000;

/** A TCP server on 127.0.0.1 that accepts every connection and never writes a byte. */
async function startSilentServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the silent server has no port");
  return {
    port: address.port,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Timed {
  elapsedMs: number;
  outcome: PromiseSettledResult<unknown>;
}

async function timed(work: () => Promise<unknown>): Promise<Timed> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  return { elapsedMs: performance.now() - started, outcome: outcome! };
}

function expectTypedFailure(outcome: PromiseSettledResult<unknown>, what: string): void {
  expect(outcome.status, what).toBe("rejected");
  const reason = outcome.status === "rejected" ? outcome.reason : undefined;
  expect(reason, what).toBeInstanceOf(OutboundError);
  expect(["TIMEOUT", "BROKER_UNAVAILABLE"], `${what}: ${String(reason)}`).toContain(
    (reason as OutboundError).code,
  );
}

/**
 * Deadlines: `deliveryTimeoutMs` is the promise "you will hear within this time", on every
 * phase (connect, metadata or queue lookup, send, retry), whatever the transport's own
 * timeouts would allow.
 */
export function deadlineTests(ctx: ContractContext): void {
  it("against a server that accepts connections and never answers, send and sendMany settle within deliveryTimeoutMs", async ({
    skip,
  }) => {
    skip(!ctx.unresponsive, "the transport has no network address to aim at a silent server");
    const server = await startSilentServer();
    ctx.onCleanup(server.stop);
    const transport = ctx.unresponsive!({ host: "127.0.0.1", port: server.port });
    const producer = await ctx.producer({ deliveryTimeoutMs: DELIVERY_TIMEOUT_MS }, transport);
    const topic = `ct-silent-${server.port}`;

    const single = await timed(() => producer.send({ topic, value: "one" }));
    expectTypedFailure(single.outcome, "send");
    expect(single.elapsedMs).toBeLessThan(DELIVERY_TIMEOUT_MS + SLACK_MS);

    // sendMany starts every message's clock at the call, not after a connect attempt.
    let settled: PromiseSettledResult<unknown>[] = [];
    const many = await timed(async () => {
      settled = await producer.sendMany(["a", "b", "c"].map((value) => ({ topic, value })));
    });
    expect(many.outcome.status).toBe("fulfilled");
    expect(settled).toHaveLength(3);
    for (const [i, s] of settled.entries()) expectTypedFailure(s, `sendMany[${i}]`);
    expect(many.elapsedMs).toBeLessThan(DELIVERY_TIMEOUT_MS + SLACK_MS);

    const closing = await timed(() => producer.close({ timeoutMs: 2_000 }));
    expect(closing.outcome.status).toBe("fulfilled");
    // Nothing is pending, so close() does not wait out the transport's connect timeout either.
    expect(closing.elapsedMs).toBeLessThan(SLACK_MS);
  });

  it("when the connected broker stops answering, a send settles within deliveryTimeoutMs", async ({
    skip,
  }) => {
    const probe = ctx.probe();
    skip(!probe.stall, "the probe cannot stall the broker");
    const topic = await ctx.topic();
    const producer = await ctx.producer({ serializer: "string", deliveryTimeoutMs: DELIVERY_TIMEOUT_MS });
    await producer.send({ topic, value: "before" });
    const release = await probe.stall!();
    ctx.onCleanup(release);

    const stalled = await timed(() => producer.send({ topic, value: "during" }));
    expectTypedFailure(stalled.outcome, "send while stalled");
    expect(stalled.elapsedMs).toBeLessThan(DELIVERY_TIMEOUT_MS + SLACK_MS);
  });
}
