import { defineTransportContract } from "@outbound/contract";
import { afterAll } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";
import { createAmqpProxy } from "./toxiproxy.js";

// Its own vhost, so dropConnections cuts only this file's producers; producers dial through a
// proxy of their own, so stall() freezes only them while the probe reads directly.
const { vhost, url, remove } = await createTestVhost("contract");
const proxy = await createAmqpProxy("contract");
afterAll(async () => {
  await proxy.remove();
  await remove();
});

defineTransportContract({
  name: "rabbitmq",
  transport: () => rabbitmqTransport({ url: proxy.urlFor(vhost) }),
  probe: () => createRabbitProbe({ url, vhost, destination: "exchange", stall: proxy.stall }),
  unresponsive: ({ host, port }) => rabbitmqTransport({ url: `amqp://guest:guest@${host}:${port}/` }),
});
