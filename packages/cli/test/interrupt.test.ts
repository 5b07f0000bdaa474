import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "./run-cli.js";

// A broker that accepts TCP and never answers: what is sent to it stays buffered until Ctrl-C.
let silent: Server;
let silentPort = 0;
let onConnection: (() => void) | undefined;
beforeAll(async () => {
  silent = createServer(() => onConnection?.());
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(() => {
  silent.close();
});

/**
 * Resolves when the CLI dials the silent broker: it has read its input and sent, so its SIGINT
 * handler is in place (it is installed before the first line is read). A fixed sleep instead
 * would let a slow start-up on a loaded machine take the first SIGINT with Node's default
 * handler, which kills the process.
 */
function nextConnection(): Promise<void> {
  return new Promise((resolve) => {
    onConnection = () => {
      onConnection = undefined;
      resolve();
    };
  });
}

/** Polls until `condition` holds; the test's own timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

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
    const dialled = nextConnection();
    run.child.stdin.write("1\n2\n");
    // Both lines are in one chunk, read and handed to the producer before it dials the broker.
    await dialled;
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
    const dialled = nextConnection();
    run.child.stdin.write("1\n");
    await dialled;
    run.child.kill("SIGINT");
    // The second Ctrl-C only once the first was handled, so it is seen as the second.
    await until(() => run.output().stderr.includes("SIGINT: stopping"));
    run.child.kill("SIGINT");
    const r = await run.exited;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: quitting with 1 messages unsettled/);
  });
});
