import { type BackpressureState, createProducer, OutboundError } from "@outbound/core";
import { connect } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe, type RabbitProbe } from "./probe.js";
import { amqpUrl, createTestVhost, rabbitmqctl } from "./rabbitmqctl.js";
import { batch, record, sendContext } from "./records.js";

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a failure").toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

describe("rabbitmq: broker errors map to typed errors and never kill the producer", () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let probe: RabbitProbe;
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const noAccessUser = { username: `outbound-noaccess-${suffix}`, password: "no-access-pw" };
  const limitedUser = { username: `outbound-limited-${suffix}`, password: "limited-pw" };

  beforeAll(async () => {
    vhost = await createTestVhost("errors");
    probe = createRabbitProbe({ url: vhost.url, vhost: vhost.vhost, destination: "exchange" });
    await rabbitmqctl("add_user", noAccessUser.username, noAccessUser.password);
    await rabbitmqctl("add_user", limitedUser.username, limitedUser.password);
    // May configure and read anything, but write (publish) only to exchanges named allowed-*.
    await rabbitmqctl(
      "set_permissions",
      "--vhost",
      vhost.vhost,
      limitedUser.username,
      ".*",
      "^allowed-.*",
      ".*",
    );
  });
  afterAll(async () => {
    await probe?.close();
    for (const user of [noAccessUser, limitedUser]) {
      await rabbitmqctl("delete_user", user.username).catch(() => undefined);
    }
    await vhost?.remove();
  });

  it("a wrong password is AUTH_FAILED, terminal, with no password in the message", async () => {
    const transport = rabbitmqTransport({
      url: amqpUrl(vhost.vhost, { username: "guest", password: "wrong-pw-123" }),
    });
    const error = await failure(transport.connect());
    expect(error).toMatchObject({ code: "AUTH_FAILED", kind: "terminal" });
    expect(error.message).not.toContain("wrong-pw-123");
    await transport.close();
  });

  it("a user with no permission on the vhost is NOT_AUTHORIZED", async () => {
    const transport = rabbitmqTransport({ url: amqpUrl(vhost.vhost, noAccessUser) });
    const error = await failure(transport.connect());
    expect(error).toMatchObject({ code: "NOT_AUTHORIZED", kind: "terminal" });
    expect(error.message).not.toContain(noAccessUser.password);
    await transport.close();
  });

  it("publishing to an exchange the user may not write is NOT_AUTHORIZED for that message only", async () => {
    const allowed = `allowed-${suffix}`;
    const denied = `denied-${suffix}`;
    await probe.createTopic(allowed, { partitions: 1 });
    await probe.createTopic(denied, { partitions: 1 });
    const producer = createProducer({
      transport: rabbitmqTransport({ url: amqpUrl(vhost.vhost, limitedUser) }),
      serializer: "string",
    });
    try {
      const error = await failure(producer.send({ topic: denied, value: "refused" }));
      expect(error).toMatchObject({ code: "NOT_AUTHORIZED", kind: "terminal" });
      await expect(producer.send({ topic: allowed, value: "after" })).resolves.toMatchObject({
        acknowledged: true,
      });
      const held = await probe.read(allowed, { count: 1, timeoutMs: 5_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual(["after"]);
      expect(await probe.depth(denied)).toBe(0);
    } finally {
      await producer.close();
    }
  });

  it("a publish to a missing exchange (404 closes the channel) is UNKNOWN_DESTINATION; the next one goes through", async () => {
    const existing = `exists-${suffix}`;
    await probe.createTopic(existing, { partitions: 1 });
    const producer = createProducer({
      transport: rabbitmqTransport({ url: vhost.url }),
      serializer: "string",
    });
    try {
      const error = await failure(producer.send({ topic: `missing-${suffix}`, value: "nowhere" }));
      expect(error).toMatchObject({ code: "UNKNOWN_DESTINATION", kind: "terminal", brokerCode: "404" });
      await expect(producer.send({ topic: existing, value: "still-works" })).resolves.toMatchObject({
        acknowledged: true,
      });
      const held = await probe.read(existing, { count: 1, timeoutMs: 5_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual(["still-works"]);
    } finally {
      await producer.close();
    }
  });

  it("headers too large for an AMQP frame fail that message with INVALID_MESSAGE; the next one goes through", async () => {
    const topic = `big-headers-${suffix}`;
    await probe.createTopic(topic, { partitions: 1 });
    const producer = createProducer({
      transport: rabbitmqTransport({ url: vhost.url }),
      serializer: "string",
    });
    try {
      const error = await failure(
        producer.send({ topic, value: "huge", headers: { big: "x".repeat(70_000) } }),
      );
      expect(error).toMatchObject({ code: "INVALID_MESSAGE", kind: "terminal" });
      await expect(producer.send({ topic, value: "normal" })).resolves.toMatchObject({ acknowledged: true });
      const held = await probe.read(topic, { count: 2, timeoutMs: 2_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual(["normal"]);
    } finally {
      await producer.close();
    }
  });

  it("a message over the broker's max_message_size is MESSAGE_TOO_LARGE; its neighbours are delivered", async () => {
    const topic = `oversize-${suffix}`;
    await probe.createTopic(topic, { partitions: 1 });
    // The transport believes 4 MiB is fine; the broker is told to allow 1 MiB, so the broker decides.
    const current = /\{ok,(\d+)\}/.exec(
      await rabbitmqctl("eval", "application:get_env(rabbit, max_message_size)."),
    );
    const previous = current?.[1] ?? "134217728";
    await rabbitmqctl("eval", "application:set_env(rabbit, max_message_size, 1048576).");
    const producer = createProducer({
      transport: rabbitmqTransport({ url: vhost.url, maxMessageBytes: 4 * 1024 * 1024 }),
      serializer: "bytes",
    });
    try {
      const encoder = new TextEncoder();
      const settled = await producer.sendMany([
        { topic, value: encoder.encode("small-1") },
        { topic, value: new Uint8Array(2_000_000) },
        { topic, value: encoder.encode("small-2") },
      ]);
      expect(settled.map((s) => (s.status === "fulfilled" ? "ok" : s.reason.code))).toEqual([
        "ok",
        "MESSAGE_TOO_LARGE",
        "ok",
      ]);
      const held = await probe.read(topic, { count: 5, timeoutMs: 3_000 });
      const values = new Set(held.map((m) => new TextDecoder().decode(m.value)));
      expect(values).toEqual(new Set(["small-1", "small-2"]));
    } finally {
      await rabbitmqctl("eval", `application:set_env(rabbit, max_message_size, ${previous}).`);
      await producer.close();
    }
  });

  it("a channel error fails only the publishes it names; concurrent publishes elsewhere still settle", async () => {
    const existing = `concurrent-${suffix}`;
    await probe.createTopic(existing, { partitions: 1 });
    const missing = `missing-too-${suffix}`;
    const transport = rabbitmqTransport({ url: vhost.url });
    try {
      await transport.connect();
      const [good, bad] = await Promise.all([
        transport.send(
          batch(
            existing,
            Array.from({ length: 200 }, (_, i) => record(existing, `c-${i}`)),
          ),
          sendContext(),
        ),
        transport.send(batch(missing, [record(missing, "x")]), sendContext()),
      ]);
      expect(bad.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["UNKNOWN_DESTINATION"]);
      // Publishes that shared the closed channel have an unknown fate and must say so (retriable
      // by the engine), never claim delivery they did not get.
      const outcomes = good.map((r) => (r.ok ? "ok" : `${r.error.code}/${r.error.kind}`));
      for (const outcome of outcomes) expect(["ok", "BROKER_UNAVAILABLE/unknown-outcome"]).toContain(outcome);
      const confirmed = good.filter((r) => r.ok).length;
      const held = await probe.read(existing, { count: 200, timeoutMs: 3_000 });
      expect(held.length).toBeGreaterThanOrEqual(confirmed);
      // And the transport publishes again right away, on a new channel.
      const after = await transport.send(batch(existing, [record(existing, "after")]), sendContext());
      expect(after[0]?.ok).toBe(true);
    } finally {
      await transport.close();
    }
  });

  it("a memory alarm pauses the producer (BUFFER_FULL with reject), and it resumes when the alarm clears", async () => {
    const topic = `alarm-${suffix}`;
    await probe.createTopic(topic, { partitions: 1 });
    const states: BackpressureState[] = [];
    const transport = rabbitmqTransport({ url: vhost.url });
    transport.onBackpressure((state) => states.push(state));
    const producer = createProducer({ transport, serializer: "string", onBufferFull: "reject" });
    try {
      await producer.send({ topic, value: "before-alarm" });
      await rabbitmqctl("set_vm_memory_high_watermark", "0");
      // The broker blocks a connection when it next publishes, and says so with connection.blocked.
      const blockedSend = producer.send({ topic, value: "while-blocked" });
      await expect.poll(() => states.some((s) => s.paused), { timeout: 20_000, interval: 100 }).toBe(true);
      const rejected = await failure(producer.send({ topic, value: "rejected" }));
      expect(rejected.code).toBe("BUFFER_FULL");

      await rabbitmqctl("set_vm_memory_high_watermark", "0.4");
      await expect(blockedSend).resolves.toMatchObject({ acknowledged: true });
      await expect.poll(() => states.at(-1)?.paused, { timeout: 20_000, interval: 100 }).toBe(false);
      await expect(producer.send({ topic, value: "after-alarm" })).resolves.toMatchObject({
        acknowledged: true,
      });
      const held = await probe.read(topic, { count: 4, timeoutMs: 3_000 });
      expect(held.map((m) => new TextDecoder().decode(m.value))).toEqual([
        "before-alarm",
        "while-blocked",
        "after-alarm",
      ]);
    } finally {
      // Always lift the alarm: a blocked broker would stall every other test.
      await rabbitmqctl("set_vm_memory_high_watermark", "0.4");
      await producer.close({ timeoutMs: 5_000 });
    }
  }, 90_000);

  it("declaring topology that clashes with what exists is INVALID_CONFIG, not a silent publish", async () => {
    const topic = `clash-${suffix}`;
    const admin = await connect(vhost.url);
    try {
      const channel = await admin.createChannel();
      await channel.assertQueue(topic, { durable: true });
    } finally {
      await admin.close();
    }
    const transport = rabbitmqTransport({ url: vhost.url, destination: "queue", declare: { quorum: true } });
    try {
      const error = await failure(transport.send(batch(topic, [record(topic, "x")]), sendContext()));
      expect(error).toMatchObject({ code: "INVALID_CONFIG", brokerCode: "406" });
    } finally {
      await transport.close();
    }
  });
});
