import type { Capabilities, ProducerConfig, Transport } from "@outbound/core";
import type { ContractContext } from "./context.js";
import type { Probe } from "./probe.js";

/** The behaviour groups, one file each under `groups/`. */
export const CONTRACT_GROUPS = [
  "delivery",
  "fidelity",
  "ordering",
  "partitioning",
  "limits",
  "acks",
  "flush-close",
  "unsupported",
  "bad-input",
  "recovery",
  "dead-letter",
  "tracing",
  "schema-fidelity",
  "deadlines",
  "cloudevents",
] as const;

export type ContractGroup = (typeof CONTRACT_GROUPS)[number];

export interface TransportContractOptions {
  /** Shown in the suite's name, e.g. "kafka". */
  name: string;
  /** A fresh transport; called once per producer the suite builds. */
  transport: () => Transport | Promise<Transport>;
  /** The probe; called once for the suite and closed after it. */
  probe: () => Probe | Promise<Probe>;
  /**
   * The transport's capabilities, which decide what runs. Read from a `transport()` instance
   * (never connected) when omitted; required when `transport()` is asynchronous.
   */
  capabilities?: Capabilities;
  /** Extra producer options for every producer (timeouts for a slow broker, for example). */
  producerConfig?: Omit<ProducerConfig, "transport" | "url">;
  /** More tests, defined inside the suite with the same context. */
  additionalTests?: (context: ContractContext) => void;
  /**
   * A transport aimed at `address`, where a server the suite started accepts connections and
   * never answers: how the deadline group proves that connect honours `deliveryTimeoutMs`.
   * Omit it for a transport with no network (memory); that test then skips with the reason.
   */
  unresponsive?: (address: { host: string; port: number }) => Transport;
  /** Groups to leave out, each with the reason shown in the test report. */
  skip?: Partial<Record<ContractGroup, string>>;
  /** Destination names with rules of their own (SQS FIFO queues end in `.fifo`). Default: unchanged. */
  topicName?: (base: string, options: { fifo: boolean }) => string;
  /** Longest wait for messages the suite expects. Default 15 000 ms. */
  readTimeoutMs?: number;
  /** How long to keep reading to show that nothing beyond the expected messages arrived. Default 3 000 ms. */
  settleMs?: number;
}
