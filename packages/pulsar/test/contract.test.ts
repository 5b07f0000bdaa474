import { defineTransportContract } from "@outbound/contract";
import { pulsarTransport } from "../src/index.js";
import { serviceUrl } from "./helpers.js";
import { createPulsarProbe } from "./probe.js";

defineTransportContract({
  name: "pulsar",
  transport: () => pulsarTransport({ serviceUrl: serviceUrl(), operationTimeoutMs: 15_000 }),
  probe: () => createPulsarProbe(),
});
