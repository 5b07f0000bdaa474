import { thrownOutboundError } from "@outbound/contract";
import { createProducer } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIRM_WINDOW, describeEndpoint, resolveRabbitMqOptions } from "../../src/config.js";
import { transport } from "../../src/index.js";

describe("resolveConfig", () => {
  it("fills defaults: local guest, default vhost, exchange mode, persistent, measured window", () => {
    const c = resolveRabbitMqOptions();
    expect(c).toMatchObject({
      protocol: "amqp",
      hostname: "127.0.0.1",
      port: 5672,
      username: "guest",
      vhost: "/",
      destination: "exchange",
      persistent: true,
      confirmWindow: DEFAULT_CONFIRM_WINDOW,
      declare: undefined,
      tls: undefined,
    });
  });

  it("reads host, port, credentials, vhost and heartbeat from an amqp URL", () => {
    const c = resolveRabbitMqOptions({
      url: "amqp://app:s%40cret@broker.local:5673/orders%2Fprod?heartbeat=15",
    });
    expect(c).toMatchObject({
      hostname: "broker.local",
      port: 5673,
      username: "app",
      password: "s@cret",
      vhost: "orders/prod",
      heartbeat: 15,
    });
  });

  it("takes the URL from the producer config when the options have none", () => {
    expect(resolveRabbitMqOptions({}, { url: "amqp://h:1234" }).port).toBe(1234);
    expect(resolveRabbitMqOptions({ url: "amqp://a:1" }, { url: "amqp://b:2" }).hostname).toBe("a");
  });

  it("treats amqps as TLS on port 5671 and keeps given TLS options", () => {
    const c = resolveRabbitMqOptions({ url: "amqps://h", tls: { rejectUnauthorized: false } });
    expect(c.protocol).toBe("amqps");
    expect(c.port).toBe(5671);
    expect(c.tls).toEqual({ rejectUnauthorized: false });
    expect(resolveRabbitMqOptions({ tls: true }).protocol).toBe("amqps");
  });

  it("names the explicit default vhost when the path is %2F", () => {
    expect(resolveRabbitMqOptions({ url: "amqp://h/%2F" }).vhost).toBe("/");
    expect(resolveRabbitMqOptions({ url: "amqp://h/" }).vhost).toBe("/");
  });

  it("rejects other schemes, bad numbers and bad modes with INVALID_CONFIG naming the option", () => {
    expect(thrownOutboundError(() => resolveRabbitMqOptions({ url: "kafka://h" })).message).toMatch(
      /amqp:\/\/ or amqps:\/\//,
    );
    expect(thrownOutboundError(() => resolveRabbitMqOptions({ confirmWindow: 0 })).message).toMatch(
      /confirmWindow/,
    );
    expect(thrownOutboundError(() => resolveRabbitMqOptions({ partitions: { t: 1.5 } })).message).toMatch(
      /partitions\.t/,
    );
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ destination: "stream" as never })).message,
    ).toMatch(/destination/);
    expect(thrownOutboundError(() => resolveRabbitMqOptions({ port: 70000 })).message).toMatch(/port/);
    expect(thrownOutboundError(() => resolveRabbitMqOptions({ heartbeat: -1 })).code).toBe("INVALID_CONFIG");
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ declare: { quorum: true, durable: false } }))
        .message,
    ).toMatch(/quorum/);
  });

  it("never prints the password, even from an unparseable URL", () => {
    const bad = thrownOutboundError(() => resolveRabbitMqOptions({ url: "amqp://user:hunter2@[bad" }));
    expect(bad.message).not.toContain("hunter2");
    const described = describeEndpoint(resolveRabbitMqOptions({ url: "amqp://user:hunter2@h:5672/v" }));
    expect(described).toBe("amqp://user:***@h:5672/v");
    expect(
      transport
        .create({ url: "amqp://u:hunter2@h", options: {}, clientId: "t", logger: console })
        .describe?.(),
    ).not.toContain("hunter2");
  });

  it("declares queues by default only in queue mode", () => {
    expect(resolveRabbitMqOptions({ destination: "queue", declare: true }).declare).toMatchObject({
      queues: true,
      durable: true,
    });
    expect(resolveRabbitMqOptions({ declare: { exchangeType: "topic" } }).declare).toMatchObject({
      queues: false,
      exchangeType: "topic",
    });
  });
});

describe("the rabbitmq config section", () => {
  it("refuses an unknown key, here or under declare, naming the closest valid one", () => {
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ confirmWindw: 10 } as never)).message,
    ).toContain('"rabbitmq.confirmWindw" (did you mean "confirmWindow"?)');
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ declare: { qourum: true } } as never)).message,
    ).toContain('"rabbitmq.declare.qourum" (did you mean "quorum"?)');
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ persistent: "yes" } as never)).message,
    ).toContain('option "persistent" must be true or false');
  });

  it("names the connect timeout connectionTimeoutMs, as every transport does, and still reads connectTimeoutMs", () => {
    expect(resolveRabbitMqOptions().connectionTimeoutMs).toBe(10_000);
    expect(resolveRabbitMqOptions({ connectionTimeoutMs: 2500 }).connectionTimeoutMs).toBe(2500);
    expect(resolveRabbitMqOptions({ connectTimeoutMs: 1500 }).connectionTimeoutMs).toBe(1500);
    expect(
      thrownOutboundError(() => resolveRabbitMqOptions({ connectTimeoutMs: 1, connectionTimeoutMs: 2 }))
        .message,
    ).toContain('"connectTimeoutMs" is the former name of "connectionTimeoutMs"');
  });

  it("is a compile error too, and INVALID_CONFIG at connect", async () => {
    // If the TransportOptionsMap merge in src/config.ts stopped applying, this directive would
    // be unused and the typecheck would fail.
    // @ts-expect-error "confirmWindw" is not a RabbitMQ option
    const producer = createProducer({ transport: "rabbitmq", rabbitmq: { confirmWindw: 10 } });
    await expect(producer.connect()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await producer.close();
  });
});
