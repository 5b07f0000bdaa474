import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

/** One line on stderr, no stack trace, exit 2. */
function expectUsageError(r: { status: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
}

describe("a bad flag or a bad value is one clear line and exit 2", () => {
  it.each([
    [
      "an unknown flag",
      ["produce", "--url", "memory://", "--topic", "t", "--bogus"],
      /^outbound: unknown option '--bogus'/,
    ],
    [
      "a typo of a flag, with a suggestion",
      ["produce", "--url", "memory://", "--topic", "t", "--keyfield", "id"],
      /unknown option '--keyfield' \(Did you mean --key-field\?\)/,
    ],
    [
      "a missing required flag",
      ["produce", "--url", "memory://"],
      /required option '--topic <topic>' not specified/,
    ],
    ["an unknown command", ["prodce"], /unknown command 'prodce'/],
    [
      "a rate that is not a number",
      ["perf", "--url", "memory://", "--topic", "t", "--rate", "lots"],
      /--rate <n\|max>.*expected a whole number/,
    ],
    [
      "a bad duration",
      ["perf", "--url", "memory://", "--topic", "t", "--duration", "soon"],
      /expected a duration/,
    ],
    [
      "a bad size",
      ["perf", "--url", "memory://", "--topic", "t", "--size", "big"],
      /expected a size in bytes/,
    ],
    [
      "a header without =",
      ["produce", "--url", "memory://", "--topic", "t", "--header", "x"],
      /expected name=value/,
    ],
    [
      "a negative partition",
      ["produce", "--url", "memory://", "--topic", "t", "--partition", "-1"],
      /--partition/,
    ],
    [
      "an unknown format",
      ["produce", "--url", "memory://", "--topic", "t", "--format", "xml"],
      /Allowed choices are json, jsonl/,
    ],
    [
      "--key with --key-field",
      ["produce", "--url", "memory://", "--topic", "t", "--key", "k", "--key-field", "id"],
      /not both/,
    ],
    [
      "avro without a schema",
      ["produce", "--url", "memory://", "--topic", "t", "--format", "avro"],
      /needs --schema FILE/,
    ],
    [
      "a schema file that does not exist",
      ["produce", "--url", "memory://", "--topic", "t", "--format", "avro", "--schema", "/nonexistent.avsc"],
      /--schema \/nonexistent\.avsc: /,
    ],
    [
      "an input file that does not exist",
      ["produce", "--url", "memory://", "--topic", "t", "/nonexistent.jsonl"],
      /\/nonexistent\.jsonl: no such file/,
    ],
    [
      "a config file that does not exist",
      ["check", "--config", "/nonexistent.json"],
      /--config \/nonexistent\.json: ENOENT/,
    ],
    [
      "a URL whose port cannot be right",
      ["check", "--url", "kafka://127.0.0.1:0"],
      /INVALID_CONFIG: invalid config: url: .*port "0"/,
    ],
    [
      "a scheme nobody serves",
      ["check", "--url", "nats://127.0.0.1:4222"],
      /UNKNOWN_TRANSPORT: no transport for URL scheme "nats:\/\/"/,
    ],
    ["no URL at all", ["check"], /INVALID_CONFIG: invalid config: url: either url \(or OUTBOUND_URL\)/],
  ])("%s", async (_name, args, pattern) => {
    // Nothing on stdin: every case is refused before reading it.
    expectUsageError(await runCli(args as string[]), pattern as RegExp);
  });

  it("a bad value from OUTBOUND_* names its variable", async () => {
    const r = await runCli(["check"], { env: { OUTBOUND_URL: "kafka://127.0.0.1:0" } });
    expectUsageError(r, /url \(from OUTBOUND_URL\)/);
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["produce", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--key-field <path>/);
    const version = await runCli(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("credentials are never printed", () => {
  it("not in a config error", async () => {
    const r = await runCli(["check", "--url", "amqp://admin:s3cr3t-pw@127.0.0.1:0"]);
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).not.toContain("s3cr3t-pw");
  });

  it("not in check's output when the broker refuses", async () => {
    // Nothing listens on port 1: connection refused, and the URL with its password is printed masked.
    const r = await runCli(["check", "--url", "amqp://admin:s3cr3t-pw@127.0.0.1:1", "--timeout", "2s"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/endpoint\s+amqp:\/\/admin:\*+@127\.0\.0\.1:1/);
    expect(r.stderr + r.stdout).not.toContain("s3cr3t-pw");
  });
});
