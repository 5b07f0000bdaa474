import { defineTransportContract } from "@outbound/contract";
import { createSqsProbe } from "./probe.js";
import { sqsEndpoint, testTransport } from "./support.js";
import { sqsProxy } from "./toxiproxy.js";

// The producer goes through toxiproxy so the suite can drop and stall its connections. The
// suite builds the probe before any producer, so the proxy exists before it is dialled.
const PROXY_PORT = 19324;

defineTransportContract({
  name: "sqs",
  transport: () => testTransport({ endpoint: `http://127.0.0.1:${PROXY_PORT}` }),
  probe: async () => {
    const proxy = await sqsProxy("outbound-sqs-contract", PROXY_PORT);
    // The suite's FIFO messages carry keys but no ids, so its FIFO queues deduplicate by content.
    return createSqsProbe({ endpoint: sqsEndpoint(), fifoContentBasedDeduplication: true, proxy });
  },
  unresponsive: ({ host, port }) => testTransport({ endpoint: `http://${host}:${port}` }),
  // Reading back is the slow side of the emulators (moto takes ~0.75 s per ReceiveMessage
  // with hundreds queued); a longer wait only slows tests that would fail anyway.
  readTimeoutMs: 40_000,
  // SQS requires FIFO queue names to end in .fifo; the transport reads FIFO-ness from the name.
  topicName: (base, { fifo }) => (fifo ? `${base}.fifo` : base),
});
