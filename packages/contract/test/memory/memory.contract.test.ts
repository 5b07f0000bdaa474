import { defineTransportContract } from "@outbound/contract";
import { MemoryBroker, memoryTransport } from "@outbound/memory";
import { memoryFaultTests } from "./fault-contract.js";
import { memoryProbe } from "./memory-probe.js";

const broker = new MemoryBroker();
defineTransportContract({
  name: "memory",
  transport: () => memoryTransport({ broker }),
  probe: () => memoryProbe(broker),
  // In-process: a message that has not arrived within these times never will.
  readTimeoutMs: 1_000,
  settleMs: 50,
  additionalTests: (ctx) => memoryFaultTests(ctx, broker),
});

// The same broker with delay and dedup turned off, so the suite's refusal tests run too.
const restricted = new MemoryBroker({ maxDelayMs: 0, dedupWindowMs: 0 });
defineTransportContract({
  name: "memory (no delay, no dedup)",
  transport: () => memoryTransport({ broker: restricted }),
  probe: () => memoryProbe(restricted),
  readTimeoutMs: 1_000,
  settleMs: 50,
});
