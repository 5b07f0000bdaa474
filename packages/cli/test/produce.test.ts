import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// The memory broker lives in the CLI's own process, so these read back through the delivery
// reports; the broker tests (test/integration) read back with each broker's own client.
const dir = mkdtempSync(join(tmpdir(), "outbound-cli-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("outbound produce on the memory broker", () => {
  it("sends one message per JSON line, keyed by a field, and prints each report in input order", async () => {
    const input = ['{"id":"o-1","total":1}', "", '{"id":"o-2","total":2}', '{"id":"o-1","total":3}'].join(
      "\n",
    );
    const r = await runCli(
      ["produce", "--url", "memory://?partitions=4", "--topic", "orders", "--key-field", "id", "--json"],
      {
        input,
      },
    );
    expect(r.stderr).toBe("3 messages: 3 acked, 0 failed\n");
    expect(r.status).toBe(0);
    const reports = r.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // Blank line 2 is skipped; labels say where each message came from.
    expect(reports.map((x) => x.input)).toEqual(["stdin:1", "stdin:3", "stdin:4"]);
    expect(reports.every((x) => x.status === "acked" && x.topic === "orders")).toBe(true);
    // Same key, same partition, in order.
    expect(reports[2].partition).toBe(reports[0].partition);
    expect(Number(reports[2].offset)).toBeGreaterThan(Number(reports[0].offset));
  });

  it("a bad line fails alone and is named; the others are delivered; exit 1", async () => {
    const input = ['{"id":"a"}', "{not json", '{"other":1}', '{"id":"d"}'].join("\n");
    const r = await runCli(["produce", "--url", "memory://", "--topic", "t", "--key-field", "id"], { input });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^acked stdin:1 topic=t partition=0 offset=0 /);
    expect(lines[1]).toMatch(/^failed stdin:2 INVALID_MESSAGE: not valid JSON/);
    expect(lines[2]).toBe("failed stdin:3 INVALID_MESSAGE: --key-field id is missing");
    expect(lines[3]).toMatch(/^acked stdin:4 topic=t partition=0 offset=1 /);
    expect(r.stderr).toBe("4 messages: 2 acked, 2 failed (stdin:2, stdin:3)\n");
  });

  it("--format json sends each file as one message; text sends each line as a string", async () => {
    const a = file("a.json", '{\n  "pretty": true\n}\n');
    const b = file("b.json", "[1, 2]");
    const json = await runCli([
      "produce",
      "--url",
      "memory://",
      "--topic",
      "t",
      "--format",
      "json",
      "--quiet",
      a,
      b,
    ]);
    expect(json.status).toBe(0);
    expect(json.stdout).toBe("");
    expect(json.stderr).toBe("2 messages: 2 acked, 0 failed\n");

    const lines = file("lines.txt", "first\nsecond line\n");
    const text = await runCli(["produce", "--url", "memory://", "--topic", "t", "--format", "text", lines]);
    expect(text.status).toBe(0);
    expect(
      text.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[1]),
    ).toEqual([`${lines}:1`, `${lines}:2`]);
  });

  it("--partition and --header reach every message", async () => {
    const r = await runCli(
      [
        "produce",
        "--url",
        "memory://?partitions=3",
        "--topic",
        "t",
        "--partition",
        "2",
        "--header",
        "a=1",
        "--header",
        "b=x=y",
        "--json",
      ],
      { input: "1\n2\n" },
    );
    expect(r.status).toBe(0);
    const reports = r.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(reports.map((x) => x.partition)).toEqual([2, 2]);
  });

  it("a partition the topic does not have fails those messages, exit 1", async () => {
    const r = await runCli(
      ["produce", "--url", "memory://?partitions=2", "--topic", "t", "--partition", "5"],
      { input: "1\n" },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^failed stdin:1 [A-Z_]+: /);
  });

  it("--format avro encodes with the schema file; a value that does not match fails alone", async () => {
    const schema = file(
      "order.avsc",
      JSON.stringify({
        type: "record",
        name: "Order",
        fields: [
          { name: "id", type: "string" },
          { name: "cents", type: "int" },
        ],
      }),
    );
    const input = '{"id":"o-1","cents":5}\n{"id":"o-2","cents":"five"}\n';
    const r = await runCli(
      ["produce", "--url", "memory://", "--topic", "t", "--format", "avro", "--schema", schema],
      { input },
    );
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^acked stdin:1 /);
    expect(lines[1]).toMatch(/^failed stdin:2 SERIALIZATION_FAILED: .*cents/);
  });

  it("--format protobuf encodes with the .proto file and the message type", async () => {
    const proto = file(
      "shop.proto",
      'syntax = "proto3";\npackage shop.v1;\nmessage Order { string id = 1; int32 cents = 2; }\n',
    );
    const ok = await runCli(
      [
        "produce",
        "--url",
        "memory://",
        "--topic",
        "t",
        "--format",
        "protobuf",
        "--schema",
        proto,
        "--message-type",
        "shop.v1.Order",
      ],
      { input: '{"id":"o-1","cents":5}\n' },
    );
    expect(ok.stderr).toBe("1 message: 1 acked, 0 failed\n");
    const missingType = await runCli([
      "produce",
      "--url",
      "memory://",
      "--topic",
      "t",
      "--format",
      "protobuf",
      "--schema",
      proto,
    ]);
    expect(missingType.status).toBe(2);
    expect(missingType.stderr).toMatch(/^outbound: --format protobuf needs --message-type NAME/);
  });

  it("takes its config from OUTBOUND_URL and from --config, flags first", async () => {
    const fromEnv = await runCli(["produce", "--topic", "t", "--quiet"], {
      input: "1\n",
      env: { OUTBOUND_URL: "memory://" },
    });
    expect(fromEnv.status).toBe(0);
    const config = file("config.json", JSON.stringify({ url: "memory://", memory: { maxMessageBytes: 16 } }));
    const fromFile = await runCli(["produce", "--config", config, "--topic", "t"], {
      input: `"${"x".repeat(40)}"\n"ok"\n`,
    });
    expect(fromFile.status).toBe(1);
    expect(fromFile.stdout).toMatch(/^failed stdin:1 MESSAGE_TOO_LARGE: /);
    expect(fromFile.stdout).toMatch(/\nacked stdin:2 /);
  });
});
