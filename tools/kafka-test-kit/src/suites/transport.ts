import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokerEndpoints, bytes, makeBatch, makeRecord, sendContext, text, uniqueTopic } from "../helpers.js";
import { createKafkaProbe } from "../probe.js";
import type { KafkaSubject } from "../subject.js";

/** Partitions, topic creation, record fidelity and acks, at the transport level on the real broker. */
export function transportSuite(subject: KafkaSubject): void {
  const brokers = [brokerEndpoints().kafka];
  const probe = createKafkaProbe({ brokers });
  // Not idempotent, so every acks level can be sent through it.
  const transport = subject.transport({
    brokers,
    clientId: `outbound-${subject.name}-it`,
    idempotent: false,
  });

  beforeAll(async () => {
    await transport.connect();
  });
  afterAll(async () => {
    await transport.close();
    await probe.close();
  });

  describe(`${subject.name} transport against a real broker`, () => {
    it("reports the partition count and sees it grow", async () => {
      const topic = uniqueTopic("partitions");
      await probe.createTopic(topic, { partitions: 3 });
      expect(await transport.partitions(topic)).toBe(3);
      const [before] = await transport.send(
        makeBatch(topic, 2, [makeRecord(topic, 2, "before")]),
        sendContext(),
      );
      expect(before).toMatchObject({ ok: true, partition: 2 });
      await probe.growTopic(topic, 5);
      // The controller answers before every broker's metadata cache has the new partitions.
      await expect.poll(() => transport.partitions(topic), { timeout: 10_000, interval: 200 }).toBe(5);
      // A partition the client's cached metadata has not seen yet is sent to, not dropped.
      const [result] = await transport.send(
        makeBatch(topic, 4, [makeRecord(topic, 4, "to-new")]),
        sendContext(),
      );
      expect(result).toMatchObject({ ok: true, partition: 4, offset: "0" });
      const read = await probe.read(topic, { count: 2, timeoutMs: 15_000 });
      expect(read.map((m) => [m.partition, text(m.value)]).sort()).toEqual([
        [2, "before"],
        [4, "to-new"],
      ]);
    });

    it("lets the broker create an unknown topic on first use (auto.create.topics.enable)", async () => {
      const topic = uniqueTopic("autocreate");
      expect(await transport.partitions(topic)).toBe(1);
    });

    it("sends a batch with keys, binary headers, timestamps and the content type, offsets per record", async () => {
      const topic = uniqueTopic("fidelity");
      await probe.createTopic(topic, { partitions: 2 });
      const binary = new Uint8Array([0, 255, 128, 10]);
      const records = [0, 1, 2].map((i) =>
        makeRecord(topic, 1, `value-${i}`, {
          key: bytes(`key-${i}`),
          headers: { trace: `t-${i}`, bin: binary },
          timestamp: 1_700_000_000_000 + i,
          id: `id-${i}`,
          contentType: "application/json",
        }),
      );
      const results = await transport.send(makeBatch(topic, 1, records), sendContext());
      expect(results.map((r) => r.ok && r.offset)).toEqual(["0", "1", "2"]);
      expect(results.every((r) => r.ok && r.acknowledged === true && r.partition === 1)).toBe(true);

      const read = await probe.read(topic, { count: 3, timeoutMs: 15_000 });
      expect(read).toHaveLength(3);
      read.sort((a, b) => Number(a.offset) - Number(b.offset));
      read.forEach((message, i) => {
        expect(message.partition).toBe(1);
        expect(text(message.key)).toBe(`key-${i}`);
        expect(text(message.value)).toBe(`value-${i}`);
        expect(message.headers.trace).toBe(`t-${i}`);
        expect([...(message.headers.bin as Uint8Array)]).toEqual([...binary]);
        expect(message.contentType).toBe("application/json");
        expect(message.messageId).toBe(`id-${i}`);
        expect(message.timestamp).toBe(1_700_000_000_000 + i);
      });
    });

    it("timestamps far apart and out of order keep their values (varlong deltas)", async () => {
      const topic = uniqueTopic("timestamps");
      await probe.createTopic(topic, { partitions: 1 });
      // All in the past: a broker refuses timestamps more than message.timestamp.after.max.ms ahead.
      const stamps = [1_700_000_000_000, 1_000, 1_750_000_000_000, 1_700_000_000_001];
      const records = stamps.map((timestamp, i) => makeRecord(topic, 0, `t${i}`, { timestamp }));
      const results = await transport.send(makeBatch(topic, 0, records), sendContext());
      expect(results.every((r) => r.ok)).toBe(true);
      const read = await probe.read(topic, { count: stamps.length, timeoutMs: 15_000 });
      expect(read.map((m) => m.timestamp)).toEqual(stamps);
    });

    it("maps acks leader and none; none reports not acknowledged and still arrives", async () => {
      const topic = uniqueTopic("acks");
      await probe.createTopic(topic, { partitions: 1 });
      const [leader] = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "leader")], "leader"),
        sendContext(),
      );
      expect(leader).toMatchObject({ ok: true, offset: "0", acknowledged: true });
      const none = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, "none-1"), makeRecord(topic, 0, "none-2")], "none"),
        sendContext(),
      );
      expect(none).toEqual([
        { ok: true, partition: 0, acknowledged: false },
        { ok: true, partition: 0, acknowledged: false },
      ]);
      const read = await probe.read(topic, { count: 3, timeoutMs: 15_000 });
      expect(read.map((m) => text(m.value)).sort()).toEqual(["leader", "none-1", "none-2"]);
    });

    it("keeps an empty value and a keyless record", async () => {
      const topic = uniqueTopic("empty");
      await probe.createTopic(topic, { partitions: 1 });
      const [result] = await transport.send(
        makeBatch(topic, 0, [makeRecord(topic, 0, new Uint8Array(0))]),
        sendContext(),
      );
      expect(result?.ok).toBe(true);
      const [read] = await probe.read(topic, { count: 1, timeoutMs: 15_000 });
      expect(read?.value.byteLength).toBe(0);
      expect(read?.key).toBeUndefined();
    });
  });
}
