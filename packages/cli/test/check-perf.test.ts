import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("outbound check", () => {
  it("prints the transport's characteristics and the topic's partition count", async () => {
    const r = await runCli(["check", "--url", "memory://?partitions=3", "--topic", "orders"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^transport\s+memory$/m);
    expect(r.stdout).toMatch(/^max message bytes\s+\d+$/m);
    expect(r.stdout).toMatch(/^acks\s+none, leader, all$/m);
    expect(r.stdout).toMatch(/^topic orders\s+3 partitions$/m);
  });

  it("--json gives the same as one object; a topic that does not exist is exit 1 with the reason", async () => {
    const r = await runCli([
      "check",
      "--url",
      "memory://?autoCreateTopics=false",
      "--topic",
      "missing",
      "--json",
    ]);
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.transport).toBe("memory");
    expect(result.capabilities.maxMessageBytes).toBeGreaterThan(0);
    expect(result.error).toMatch(/^UNKNOWN_DESTINATION: /);
  });

  it("a broker that accepts TCP and never answers is exit 1 within --timeout", async () => {
    const { createServer } = await import("node:net");
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const r = await runCli(["check", "--url", `kafka://127.0.0.1:${port}`, "--timeout", "1500ms"]);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^error\s+[A-Z_]+: /m);
      // 1.5 s for the broker, plus Node's start-up and the producer's close.
      expect(r.ms).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });
});

describe("outbound perf", () => {
  it("--rate max --json: every message settled and counted, latency reported", async () => {
    const r = await runCli([
      "perf",
      "--url",
      "memory://",
      "--topic",
      "p",
      "--duration",
      "1s",
      "--size",
      "64",
      "--json",
    ]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBe(result.acked + result.failed);
    expect(result.failed).toBe(0);
    expect(result.size).toBe(64);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
    // --json: nothing but the result, no progress line.
    expect(r.stderr).toBe("");
  });

  it("--rate N sends no more than N per second", async () => {
    const r = await runCli([
      "perf",
      "--url",
      "memory://",
      "--topic",
      "p",
      "--duration",
      "1s",
      "--rate",
      "200",
      "--json",
    ]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.sent).toBeLessThanOrEqual(200);
    // The loop ticks every millisecond or so; a loaded machine still gets most of the way.
    expect(result.sent).toBeGreaterThanOrEqual(100);
    expect(result.acked).toBe(result.sent);
  });

  it("--keyed and --partitions: keys spread over the topic; too few partitions is exit 2", async () => {
    const keyed = await runCli([
      "perf",
      "--url",
      "memory://?partitions=8",
      "--topic",
      "p",
      "--duration",
      "500ms",
      "--keyed",
      "--keys",
      "100",
      "--partitions",
      "8",
      "--json",
    ]);
    expect(keyed.status).toBe(0);
    const few = await runCli([
      "perf",
      "--url",
      "memory://?partitions=2",
      "--topic",
      "p",
      "--duration",
      "500ms",
      "--partitions",
      "8",
    ]);
    expect(few.status).toBe(2);
    expect(few.stderr).toMatch(/--partitions 8: topic p has 2; create it with 8 first/);
  });

  it("without a terminal the progress goes to stderr as plain lines, and failures are counted by code", async () => {
    // Messages over the broker's limit all fail: the summary says how many and why.
    const r = await runCli([
      "perf",
      "--url",
      "memory://",
      "--topic",
      "p",
      "--duration",
      "1s",
      "--size",
      "2MiB",
      "--interval",
      "200ms",
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^first failure: MESSAGE_TOO_LARGE: /m);
    expect(r.stderr).toMatch(/^\d+\.\ds {2}\d[\d,]* msg\/s {2}acked 0 {2}failed [\d,]+ {2}p50 - ms/m);
    expect(r.stdout).toMatch(/^errors: MESSAGE_TOO_LARGE \d+$/m);
  });
});
