import { defineTransportContract } from "@outbound/contract";
import {
  brokerEndpoints,
  createKafkaContractProbe,
  kafkaContractAdditionalTests,
  proxiedSocketFactory,
} from "@outbound/kafka-test-kit";
import { kafkajsTransport } from "../src/index.js";

const PROXY_PORT = 19293;

defineTransportContract({
  name: "kafkajs",
  transport: () =>
    kafkajsTransport({ brokers: [brokerEndpoints().kafka], socketFactory: proxiedSocketFactory(PROXY_PORT) }),
  probe: () => createKafkaContractProbe(PROXY_PORT),
  unresponsive: ({ host, port }) => kafkajsTransport({ brokers: [`${host}:${port}`] }),
  additionalTests: kafkaContractAdditionalTests,
});
