export { kafkaContractAdditionalTests } from "./contract-additional.js";
export { createKafkaContractProbe } from "./contract-probe.js";
export {
  brokerEndpoints,
  bytes,
  characteristicsTable,
  configError,
  makeBatch,
  makeRecord,
  sendContext,
  text,
  uniqueTopic,
} from "./helpers.js";
export { runJava } from "./java-client.js";
export { createKafkaProbe, type KafkaProbe, type ProbedKafkaMessage } from "./probe.js";
export type { KafkaSubject, KafkaTransportUnderTest, SubjectOptions } from "./subject.js";
export { brokerErrorSuite } from "./suites/broker-errors.js";
export { compressionSuite } from "./suites/compression.js";
export { idempotenceSuite } from "./suites/idempotence.js";
export { partitionAgreementSuite } from "./suites/partition-agreement.js";
export { securitySuite } from "./suites/security.js";
export { transactionSuite } from "./suites/transactions.js";
export { transportSuite } from "./suites/transport.js";
export { kafkaProxy, proxiedSocketFactory } from "./toxiproxy.js";
