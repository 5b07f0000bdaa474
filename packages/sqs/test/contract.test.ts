import { defineTransportContract } from "@outbound/contract";
import { createSqsProbe } from "./probe.js";
import { sqsEndpoint, testTransport } from "./support.js";
import { sqsProxy } from "./toxiproxy.js";

// The producer goes through toxiproxy so the suite can drop and stall its connections.
const PROXY_PORT = 19324;
let proxy: ReturnType<typeof sqsProxy> | undefined;
const contractProxy = () => {
  proxy ??= sqsProxy("outbound-sqs-contract", PROXY_PORT);
  return proxy;
};

defineTransportContract({
  name: "sqs",
  transport: () => testTransport({ endpoint: `http://127.0.0.1:${PROXY_PORT}` }),
  // The suite's FIFO messages carry keys but no ids, so its FIFO queues deduplicate by content.
  probe: () =>
    createSqsProbe({ endpoint: sqsEndpoint(), fifoContentBasedDeduplication: true, proxy: contractProxy }),
  // SQS requires FIFO queue names to end in .fifo; the transport reads FIFO-ness from the name.
  topicName: (base, { fifo }) => (fifo ? `${base}.fifo` : base),
});
