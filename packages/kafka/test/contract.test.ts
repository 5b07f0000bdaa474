import { defineTransportContract } from "@outbound/contract";
import { kafkaTransport } from "../src/index.js";
import { kafkaAdditionalTests } from "./contract-additional.js";
import { createKafkaContractProbe } from "./contract-probe.js";
import { brokerEndpoints } from "./helpers.js";
import { proxiedSocketFactory } from "./toxiproxy.js";

const PROXY_PORT = 19292;

defineTransportContract({
  name: "kafka",
  transport: () =>
    kafkaTransport({ brokers: [brokerEndpoints().kafka], socketFactory: proxiedSocketFactory(PROXY_PORT) }),
  probe: () => createKafkaContractProbe(PROXY_PORT),
  additionalTests: kafkaAdditionalTests,
});
