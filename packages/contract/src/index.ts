/**
 * @outbound/contract: the behaviour every Outbound transport must show, as a vitest suite.
 * A transport's contract test is one `defineTransportContract(...)` call.
 */
export { asBytes, asText } from "./bytes.js";
export type { ContractContext } from "./context.js";
export { defineTransportContract } from "./define.js";
export { CONTRACT_GROUPS, type ContractGroup, type TransportContractOptions } from "./options.js";
export type { Probe, ProbedMessage } from "./probe.js";
export { batchOf, record, sendContext } from "./records.js";
export { thrownOutboundError } from "./thrown.js";
export { type Toxic, type ToxiproxyProxy, type ToxiproxyProxyOptions, toxiproxyProxy } from "./toxiproxy.js";
