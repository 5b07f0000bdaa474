import { createProducer } from "@outbound/core";
import { expect, it } from "vitest";
import { kafkaTransport } from "../src/index.js";
import { brokerEndpoints, text, uniqueTopic } from "./helpers.js";
import { createKafkaProbe } from "./probe.js";
import { kafkaProxy } from "./toxiproxy.js";

it("scratch", { timeout: 120_000 }, async () => {
  const probe = createKafkaProbe({ brokers: [brokerEndpoints().kafka] });
  const proxy = await kafkaProxy("scratch-drop", 19392);
  for (let round = 0; round < 4; round++) {
    {
      const topic = uniqueTopic("scratch-ba");
      await probe.createTopic(topic, { partitions: 3 });
      const producer = createProducer({
        transport: kafkaTransport({ brokers: [brokerEndpoints().kafka], socketFactory: proxy.socketFactory }),
        serializer: "string",
      });
      await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic, value: `b${i}` })));
      await proxy.dropConnections();
      const st = await producer.sendMany(Array.from({ length: 10 }, (_, i) => ({ topic, value: `a${i}` })));
      console.log("before/after", st.map((s) => s.status).join(","));
      await probe.read(topic, { count: 20, timeoutMs: 15000 });
      await producer.close({ timeoutMs: 2000 });
    }
    const topic = uniqueTopic("scratch");
    await probe.createTopic(topic, { partitions: 3 });
    const producer = createProducer({
      transport: kafkaTransport({ brokers: [brokerEndpoints().kafka], socketFactory: proxy.socketFactory }),
      serializer: "string",
    });
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `during-${i}`);
    const sends: Promise<any>[] = [];
    for (const [i, value] of values.entries()) {
      sends.push(producer.send({ topic, value }));
      if (i === 10) await proxy.dropConnections();
      else await new Promise((r) => setTimeout(r, 5));
    }
    const settled = await Promise.allSettled(sends);
    const t = Date.now();
    const quick = await probe.read(topic, { count: 30, timeoutMs: 3000 });
    const quickTook = Date.now() - t;
    const full = await probe.read(topic, { count: 30, timeoutMs: 8000 });
    const inFull = new Map(full.map((m) => [text(m.value), `${m.partition}@${m.offset}`]));
    const inQuick = new Set(quick.map((m) => text(m.value)));
    const lines: string[] = [];
    settled.forEach((s, i) => {
      const v = values[i]!;
      if (s.status === "fulfilled" && (!inQuick.has(v) || !inFull.has(v)))
        lines.push(
          `${v} reported ${s.value.partition}@${s.value.offset} attempts ${s.value.attempts}; quick ${inQuick.has(v)} full ${inFull.get(v)}`,
        );
      if (s.status === "rejected") lines.push(`${v} rejected ${s.reason.code} ${s.reason.kind}`);
    });
    console.log(
      `round ${round}: quick ${quick.length} in ${quickTook} ms, full ${full.length}\n${lines.join("\n")}`,
    );
    await producer.close();
  }
  await proxy.remove();
  await probe.close();
  expect(1).toBe(1);
});
