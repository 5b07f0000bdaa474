import { defineTransportContract } from "@outbound/contract";
import { afterAll } from "vitest";
import { rabbitmqTransport } from "../src/index.js";
import { createRabbitProbe } from "./probe.js";
import { createTestVhost } from "./rabbitmqctl.js";

// Its own vhost, so dropConnections cuts only this file's producers.
const { vhost, url, remove } = await createTestVhost("contract");
afterAll(remove);

defineTransportContract({
  name: "rabbitmq",
  transport: () => rabbitmqTransport({ url }),
  probe: () => createRabbitProbe({ url, vhost, destination: "exchange" }),
});
