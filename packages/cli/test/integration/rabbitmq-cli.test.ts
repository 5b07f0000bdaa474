import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { createRabbitProbe } from "../../../rabbitmq/test/probe.js";
import { cliBrokerTests } from "../broker-cases.js";

const url = endpoints().amqp;

cliBrokerTests({
  name: "rabbitmq",
  url,
  // The transport publishes to an exchange named after the topic; the probe binds queues to it.
  probe: () => createRabbitProbe({ url, vhost: "/", destination: "exchange" }),
  partitioned: true,
});
