import { defineTransportContract } from "@outbound/contract";
import { createKafkaContractProbe, kafkaContractAdditionalTests } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "./subject.js";

// Two profiles of one broker: the default idempotent producer (acks all only), and the plain
// producer with every acks level.
defineTransportContract({
  name: "kafka",
  transport: () => kafkaSubject.transport({ proxyPort: 19292 }),
  probe: () => createKafkaContractProbe(19292),
  unresponsive: ({ host, port }) => kafkaSubject.transport({ brokers: [`${host}:${port}`] }),
  additionalTests: kafkaContractAdditionalTests,
});

defineTransportContract({
  name: "kafka (idempotent: false)",
  transport: () => kafkaSubject.transport({ proxyPort: 19294, idempotent: false }),
  probe: () => createKafkaContractProbe(19294),
  unresponsive: ({ host, port }) =>
    kafkaSubject.transport({ brokers: [`${host}:${port}`], idempotent: false }),
});
