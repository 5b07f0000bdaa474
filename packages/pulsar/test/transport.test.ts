import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PulsarTransport } from "../src/index.js";
import { batchOf, context, record, testTransport, text, uniqueTopic } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

const probe = createPulsarProbe();
let transport: PulsarTransport;

beforeAll(async () => {
  transport = testTransport();
  await transport.connect();
});

afterAll(async () => {
  await transport.close();
  await probe.close();
});

describe("pulsar transport against the broker", () => {
  it("sends one batched SEND and the reader sees every message in order", async () => {
    const topic = uniqueTopic("batch");
    await probe.createTopic(topic, { partitions: 1 });
    expect(await transport.partitions(topic)).toBe(1);
    const records = Array.from({ length: 50 }, (_, i) => record(topic, `m-${i}`));
    const results = await transport.send(batchOf(records), context());
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = results.map((r) => (r.ok ? r.messageId : undefined));
    // One SEND: one ledger entry, batch indexes 0..49.
    const entries = new Set(ids.map((id) => id?.split(":").slice(0, 2).join(":")));
    expect(entries.size).toBe(1);
    expect(ids.map((id) => id?.split(":")[3])).toEqual(records.map((_, i) => String(i)));
    const read = await probe.read(topic, { count: 50, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(records.map((r) => text(r.value)));
    expect(read.map((m) => m.offset)).toEqual(ids);
  });
});
