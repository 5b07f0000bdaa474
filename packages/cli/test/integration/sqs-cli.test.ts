import { endpoints } from "../../../../tools/brokers/endpoints.mjs";
import { createSqsProbe } from "../../../sqs/test/probe.js";
import { cliBrokerTests } from "../broker-cases.js";

const endpoint = new URL(endpoints().sqs);

cliBrokerTests({
  name: "sqs",
  url: `sqs://${endpoint.host}?region=us-east-1`,
  // ElasticMQ takes any credentials; the AWS SDK's default chain reads these.
  env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
  probe: () => createSqsProbe({ endpoint: endpoint.origin }),
  partitioned: false,
});
