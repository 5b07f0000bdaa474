import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { createPulsarProbe } from "../../../pulsar/test/probe.js";
import { cliBrokerTests } from "../broker-cases.js";

cliBrokerTests({
  name: "pulsar",
  url: endpoints().pulsar,
  probe: () => createPulsarProbe(),
  partitioned: true,
});
