import { defineTransportContract } from "@outbound/contract";
import { createSqsProbe } from "./probe.js";
import { sqsEndpoint, testTransport } from "./support.js";

defineTransportContract({
  name: "sqs",
  transport: () => testTransport(),
  // The suite's FIFO messages carry keys but no ids, so its FIFO queues deduplicate by content.
  probe: () => createSqsProbe({ endpoint: sqsEndpoint(), fifoContentBasedDeduplication: true }),
  // SQS requires FIFO queue names to end in .fifo; the transport reads FIFO-ness from the name.
  topicName: (base, { fifo }) => (fifo ? `${base}.fifo` : base),
});
