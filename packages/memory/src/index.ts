export { BROKER_DEFAULTS, type MemoryBrokerOptions } from "./broker/broker-options.js";
export type { DisconnectOptions, FailNextOptions, FaultInjector, InjectedError } from "./broker/faults.js";
export {
  type BrokerStats,
  type CreateTopicOptions,
  MemoryBroker,
  type TopicInfo,
} from "./broker/memory-broker.js";
export type {
  AddressedRecord,
  ProduceOptions,
  ProduceRecord,
  ProduceRequest,
} from "./broker/produce-request.js";
export { DEFAULT_BROKER_NAME, getMemoryBroker, removeMemoryBroker } from "./broker/registry.js";
export { StoredMessage } from "./broker/stored-message.js";
export type { MessageFilter } from "./broker/topic-log.js";
export { memoryCapabilities } from "./transport/capabilities.js";
export { type MemoryTransportOptions, parseMemoryUrl } from "./transport/config.js";
export { MemoryTransport, memoryTransport } from "./transport/memory-transport.js";
export { transport } from "./transport/module.js";
