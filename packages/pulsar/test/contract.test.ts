import { defineTransportContract } from "@outbound/contract";
import { afterAll, beforeAll } from "vitest";
import { pulsarTransport } from "../src/index.js";
import { holdPulsarExclusively } from "./exclusive-broker.js";
import { serviceUrl } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

// The restart test kills the broker: never run beside it (see exclusive-broker.ts).
let release: () => void = () => {};
beforeAll(async () => {
  release = await holdPulsarExclusively();
}, 16 * 60_000);
afterAll(() => release());

defineTransportContract({
  name: "pulsar",
  transport: () => pulsarTransport({ serviceUrl: serviceUrl(), operationTimeoutMs: 15_000 }),
  probe: () => createPulsarProbe(),
  unresponsive: ({ host, port }) =>
    pulsarTransport({ serviceUrl: `pulsar://${host}:${port}`, operationTimeoutMs: 15_000 }),
});
