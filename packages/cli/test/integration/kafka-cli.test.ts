import { createKafkaProbe } from "@outbound/kafka-test-kit";
import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { cliBrokerTests } from "../broker-cases.js";

const broker = endpoints().kafka;

cliBrokerTests({
  name: "kafka",
  url: `kafka://${broker}`,
  probe: () => createKafkaProbe({ brokers: [broker] }),
  partitioned: true,
});
