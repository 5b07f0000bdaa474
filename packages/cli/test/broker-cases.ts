import { randomUUID } from "node:crypto";
import type { Probe } from "@outbound/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

export interface BrokerCase {
  name: string;
  url: string;
  /** Environment the CLI needs beyond the URL (SQS's dummy credentials). */
  env?: Record<string, string>;
  /** Reads back with the broker's own client, never with Outbound. */
  probe: () => Probe | Promise<Probe>;
  /** Whether destinations have partitions the CLI should report. */
  partitioned: boolean;
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

/** The built `outbound` binary against one real broker: produce, check and perf, read back. */
export function cliBrokerTests(c: BrokerCase): void {
  describe(`outbound CLI on ${c.name}`, () => {
    let probe: Probe;
    beforeAll(async () => {
      probe = await c.probe();
    }, 180_000);
    afterAll(async () => {
      await probe?.close();
    });
    const topic = (what: string) => `cli-${what}-${randomUUID().slice(0, 8)}`;
    const partitions = c.partitioned ? 3 : 1;

    it("produce: every line arrives once, with its key and headers", async () => {
      const t = topic("produce");
      await probe.createTopic(t, { partitions });
      const lines = ['{"id":"o-1","n":1}', '{"id":"o-2","n":2}', '{"id":"o-1","n":3}'];
      const r = await runCli(
        ["produce", "--url", c.url, "--topic", t, "--key-field", "id", "--header", "source=cli", "--json"],
        { input: `${lines.join("\n")}\n`, env: c.env, timeoutMs: 60_000 },
      );
      expect(r.stderr).toBe("3 messages: 3 acked, 0 failed\n");
      expect(r.status).toBe(0);
      const stored = await probe.read(t, { count: 3, timeoutMs: 30_000 });
      expect(stored.map((m) => text(m.value)).sort()).toEqual([...lines].sort());
      for (const m of stored) {
        const value = JSON.parse(text(m.value)!);
        expect(text(m.key)).toBe(value.id);
        expect(
          typeof m.headers.source === "string" ? m.headers.source : text(m.headers.source as Uint8Array),
        ).toBe("cli");
      }
      // The same key went to the same partition, in order.
      const o1 = stored.filter((m) => text(m.key) === "o-1");
      expect(new Set(o1.map((m) => m.partition)).size).toBe(1);
      expect(o1.map((m) => JSON.parse(text(m.value)!).n)).toEqual([1, 3]);
    });

    it("check: the transport's characteristics and the topic's partition count", async () => {
      const t = topic("check");
      await probe.createTopic(t, { partitions });
      const r = await runCli(["check", "--url", c.url, "--topic", t, "--json"], {
        env: c.env,
        timeoutMs: 60_000,
      });
      expect(r.status).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.transport).toBe(c.name);
      expect(result.capabilities.maxMessageBytes).toBeGreaterThan(0);
      expect(result.capabilities.partitioned).toBe(c.partitioned);
      expect(result.topic).toEqual({ name: t, partitions });
      // The printed endpoint never carries a password.
      expect(r.stdout).not.toMatch(/:guest@/);
    });

    it("perf: what it counts as acknowledged is what the broker holds", async () => {
      const t = topic("perf");
      await probe.createTopic(t, { partitions });
      const r = await runCli(
        [
          "perf",
          "--url",
          c.url,
          "--topic",
          t,
          "--duration",
          "2s",
          "--rate",
          "100",
          "--size",
          "200",
          "--keyed",
          "--json",
        ],
        { env: c.env, timeoutMs: 90_000 },
      );
      expect(r.status).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.failed).toBe(0);
      expect(result.acked).toBe(result.sent);
      expect(result.acked).toBeGreaterThanOrEqual(100);
      const stored = await probe.read(t, { count: result.acked + 1, timeoutMs: 5_000 });
      // Exactly the acknowledged count: none lost, none stored twice.
      expect(stored).toHaveLength(result.acked);
      expect(stored.every((m) => m.value.byteLength === 200)).toBe(true);
    });
  });
}
