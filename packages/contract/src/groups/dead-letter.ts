import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEAD_LETTER_HEADERS, OutboundError, producerDeadLetterSink } from "@outbound/core";
import { expect, it } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";

const encoder = new TextEncoder();

/** Dead letters: a failed message is kept, with its origin and error, and its batch still goes. */
export function deadLetterTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;

  it("a message too large for the broker lands in the dead-letter file with its headers; the rest of its batch is delivered", async () => {
    const topic = await ctx.topic();
    const file = join(mkdtempSync(join(tmpdir(), "outbound-contract-dlq-")), "dead-letters.jsonl");
    const producer = await ctx.producer({ serializer: "bytes", deadLetter: { file } });
    const big = new Uint8Array(caps.maxMessageBytes + 1).fill(0x62);
    const settled = await producer.sendMany([
      { topic, value: encoder.encode("kept-1") },
      { topic, value: big, key: "big-one", headers: { origin: "contract" } },
      { topic, value: encoder.encode("kept-2") },
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const error = (settled[1] as { reason: OutboundError }).reason;
    expect(error).toBeInstanceOf(OutboundError);
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.deadLetter?.destination).toBe(`file:${file}`);

    const arrived = (await ctx.readSettled(topic, 2)).map((m) => asText(m.value));
    expect(arrived.toSorted()).toEqual(["kept-1", "kept-2"]);

    const [line, ...rest] = readFileSync(file, "utf8").trim().split("\n");
    expect(rest).toEqual([]);
    const entry = JSON.parse(line!);
    expect(entry.topic).toBe(topic);
    expect(Buffer.from(entry.key, "base64").toString()).toBe("big-one");
    expect(Buffer.from(entry.value, "base64").equals(Buffer.from(big))).toBe(true);
    expect(entry.headers.origin).toBe("contract");
    expect(entry.error.code).toBe("MESSAGE_TOO_LARGE");
    expect(entry.attempts).toBe(1);
  });

  it("a dead-letter copy written to a destination on this broker carries the original bytes and the outbound-dlq-* headers", async () => {
    const dlq = await ctx.topic({ partitions: 1 });
    const producer = await ctx.producer({ serializer: "bytes" });
    const sink = producerDeadLetterSink(producer, dlq);
    const firstFailureAt = Date.UTC(2026, 10, 26, 12, 0, 0);
    const where = await sink.write({
      message: { topic: "orders", value: new Uint8Array() },
      topic: "orders",
      partition: undefined,
      key: caps.keyOrdering === "group" ? encoder.encode("group-1") : encoder.encode("k-1"),
      value: Uint8Array.from([0, 1, 2, 250, 255]),
      headers: { origin: "contract" },
      contentType: "application/octet-stream",
      error: new OutboundError("NOT_AUTHORIZED", "denied by the test", { transport: ctx.name }),
      attempts: 3,
      firstFailureAt,
    });
    expect(where).toBe(`${producer.transportName}:${dlq}`);
    const [copy] = await ctx.read(dlq, 1);
    expect(Array.from(copy!.value)).toEqual([0, 1, 2, 250, 255]);
    const header = (name: string) => asText(copy!.headers[name] ?? "");
    expect(header("origin")).toBe("contract");
    expect(header(DEAD_LETTER_HEADERS.originalTopic)).toBe("orders");
    expect(header(DEAD_LETTER_HEADERS.errorCode)).toBe("NOT_AUTHORIZED");
    expect(header(DEAD_LETTER_HEADERS.errorMessage)).toContain("denied by the test");
    expect(header(DEAD_LETTER_HEADERS.attempts)).toBe("3");
    expect(header(DEAD_LETTER_HEADERS.firstFailureAt)).toBe(new Date(firstFailureAt).toISOString());
  });
}
