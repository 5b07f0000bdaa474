import { afterAll, describe, expect, it } from "vitest";
import { kafkaTransport } from "../../src/index.js";
import { brokerEndpoints, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";

const brokers = [brokerEndpoints().kafka];
const committed = createKafkaProbe({ brokers, isolation: "read_committed" });
const everything = createKafkaProbe({ brokers, isolation: "read_uncommitted" });
afterAll(async () => {
  await committed.close();
  await everything.close();
});

describe("idempotent producer", () => {
  it("produces with acks all and refuses acks leader/none per record with INVALID_CONFIG", async () => {
    const topic = uniqueTopic("idempotent");
    await committed.createTopic(topic, { partitions: 1 });
    const transport = kafkaTransport({ brokers, idempotent: true });
    try {
      expect(transport.capabilities.acks).toEqual(["all"]);
      expect(transport.capabilities.dedup.supported).toBe(true);
      const ok = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "a"), makeRecord(topic, 0, "b")]),
        sendContext(),
      );
      expect(ok.map((r) => r.ok && r.offset)).toEqual(["0", "1"]);
      const refused = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "c")], "leader"),
        sendContext(),
      );
      expect(refused[0]).toMatchObject({ ok: false, error: { code: "INVALID_CONFIG", kind: "terminal" } });
    } finally {
      await transport.close();
    }
    const read = await committed.read(topic, { count: 2, timeoutMs: 15_000 });
    expect(read.map((m) => text(m.value))).toEqual(["a", "b"]);
  });
});

describe("transactions (transport level)", () => {
  it("commit makes batches visible to read_committed; abort keeps them hidden", async () => {
    const topic = uniqueTopic("tx");
    await committed.createTopic(topic, { partitions: 2 });
    const transport = kafkaTransport({ brokers, transactionalId: uniqueTopic("outbound-tx") });
    try {
      expect(transport.capabilities.transactions).toBe(true);
      const first = await transport.transaction();
      const a = await first.send(makeBatch(topic, 0, [makeRecord(topic, 0, "committed-0")]));
      const b = await first.send(makeBatch(topic, 1, [makeRecord(topic, 1, "committed-1")]));
      expect([a[0]?.ok, b[0]?.ok]).toEqual([true, true]);
      await first.commit();
      expect(first.isActive()).toBe(false);

      const second = await transport.transaction();
      await second.send(makeBatch(topic, 0, [makeRecord(topic, 0, "aborted-0")]));
      await second.abort();

      const third = await transport.transaction();
      await third.send(makeBatch(topic, 1, [makeRecord(topic, 1, "committed-2")]));
      await third.commit();
    } finally {
      await transport.close();
    }
    const visible = await committed.read(topic, { count: 3, timeoutMs: 15_000 });
    expect(visible.map((m) => text(m.value)).sort()).toEqual(["committed-0", "committed-1", "committed-2"]);
    // A read_uncommitted consumer sees the aborted record too: it is in the log, marked aborted.
    const all = await everything.read(topic, { count: 4, timeoutMs: 15_000 });
    expect(all.map((m) => text(m.value)).sort()).toEqual([
      "aborted-0",
      "committed-0",
      "committed-1",
      "committed-2",
    ]);
  });

  it("without a transactionalId, transaction() is UNSUPPORTED_FEATURE", async () => {
    const transport = kafkaTransport({ brokers });
    await expect(transport.transaction()).rejects.toMatchObject({ code: "UNSUPPORTED_FEATURE" });
    await transport.close();
  });
});
