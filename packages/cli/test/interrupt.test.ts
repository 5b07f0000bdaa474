import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "./run-cli.js";

// A broker that accepts TCP and never answers: what is sent to it stays buffered until Ctrl-C.
let silent: Server;
let silentPort = 0;
beforeAll(async () => {
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(() => {
  silent.close();
});

describe("Ctrl-C", () => {
  it("stops reading, keeps what was acknowledged, exit 130", async () => {
    const run = startCli(["produce", "--url", "memory://", "--topic", "t"]);
    run.child.stdin.write("1\n2\n3\n");
    // stdin stays open: the CLI is waiting for more input when the interrupt comes.
    await run.linesStartingWith("acked ", 3);
    run.child.kill("SIGINT");
    const r = await run.exited;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping; flushing what is buffered/);
    expect(r.stderr).toMatch(/^3 messages: 3 acked, 0 failed$/m);
  });

  it("what could not be delivered within --close-timeout is reported as failed, none dropped", async () => {
    const run = startCli([
      "produce",
      "--url",
      `kafka://127.0.0.1:${silentPort}`,
      "--topic",
      "t",
      "--close-timeout",
      "1s",
    ]);
    run.child.stdin.write("1\n2\n");
    // Give the CLI time to read both lines and hand them to the producer.
    await new Promise((r) => setTimeout(r, 1_500));
    const interruptedAt = performance.now();
    run.child.kill("SIGINT");
    const r = await run.exited;
    expect(r.status).toBe(130);
    const failed = r.stdout.split("\n").filter((line) => line.startsWith("failed "));
    expect(failed.map((line) => line.split(" ")[1])).toEqual(["stdin:1", "stdin:2"]);
    expect(r.stderr).toMatch(/^2 messages: 0 acked, 2 failed \(stdin:1, stdin:2\)/m);
    // The close timeout, plus the process's exit.
    expect(performance.now() - interruptedAt).toBeLessThan(6_000);
  });

  it("a second Ctrl-C quits at once, saying how many were left unsettled", async () => {
    const run = startCli([
      "produce",
      "--url",
      `kafka://127.0.0.1:${silentPort}`,
      "--topic",
      "t",
      "--close-timeout",
      "60s",
    ]);
    run.child.stdin.write("1\n");
    await new Promise((r) => setTimeout(r, 1_500));
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    const r = await run.exited;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: quitting with 1 messages unsettled/);
  });
});
