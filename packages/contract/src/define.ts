import type { Capabilities } from "@outbound/core";
import { describe } from "vitest";
import { type ContractContext, createContractContext } from "./context.js";
import { ackTests } from "./groups/acks.js";
import { badInputTests } from "./groups/bad-input.js";
import { cloudEventsTests } from "./groups/cloudevents.js";
import { deadLetterTests } from "./groups/dead-letter.js";
import { deadlineTests } from "./groups/deadlines.js";
import { deliveryTests } from "./groups/delivery.js";
import { fidelityTests } from "./groups/fidelity.js";
import { flushCloseTests } from "./groups/flush-close.js";
import { limitTests } from "./groups/limits.js";
import { orderingTests } from "./groups/ordering.js";
import { partitioningTests } from "./groups/partitioning.js";
import { recoveryTests } from "./groups/recovery.js";
import { schemaFidelityTests } from "./groups/schema-fidelity.js";
import { tracingTests } from "./groups/tracing.js";
import { unsupportedTests } from "./groups/unsupported.js";
import { CONTRACT_GROUPS, type ContractGroup, type TransportContractOptions } from "./options.js";

const GROUPS: Record<ContractGroup, (context: ContractContext) => void> = {
  delivery: deliveryTests,
  fidelity: fidelityTests,
  ordering: orderingTests,
  partitioning: partitioningTests,
  limits: limitTests,
  acks: ackTests,
  "flush-close": flushCloseTests,
  unsupported: unsupportedTests,
  "bad-input": badInputTests,
  recovery: recoveryTests,
  "dead-letter": deadLetterTests,
  tracing: tracingTests,
  "schema-fidelity": schemaFidelityTests,
  deadlines: deadlineTests,
  cloudevents: cloudEventsTests,
};

function capabilitiesOf(options: TransportContractOptions): Capabilities {
  if (options.capabilities) return options.capabilities;
  const transport = options.transport();
  if (transport instanceof Promise) {
    throw new Error(
      `defineTransportContract(${options.name}): transport() is asynchronous, so pass capabilities explicitly`,
    );
  }
  // Never connected, so there is nothing to close; tests decide what runs from this object.
  return transport.capabilities;
}

/**
 * Defines the contract suite for one transport, as vitest tests:
 *
 * ```ts
 * defineTransportContract({
 *   name: "kafka",
 *   transport: () => kafkaTransport({ brokers: [endpoints().kafka] }),
 *   probe: () => createKafkaProbe(endpoints().kafka),
 * });
 * ```
 *
 * Tests that need a capability the transport lacks are skipped with the reason in their name.
 */
export function defineTransportContract(options: TransportContractOptions): void {
  const capabilities = capabilitiesOf(options);
  describe(`${options.name} transport contract`, () => {
    const context = createContractContext(options, capabilities);
    for (const group of CONTRACT_GROUPS) {
      const reason = options.skip?.[group];
      if (reason) describe.skip(`${group} (skipped: ${reason})`, () => GROUPS[group](context));
      else describe(group, () => GROUPS[group](context));
    }
    if (options.additionalTests) {
      const additional = options.additionalTests;
      describe("additional", () => additional(context));
    }
  });
}
