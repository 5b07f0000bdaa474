/**
 * @outbound/core: the contracts every transport implements and the producer engine.
 * Start with `createProducer`.
 */
export * from "./config/index.js";
export * from "./dead-letter/index.js";
export * from "./errors/index.js";
export * from "./logging/index.js";
export * from "./message/index.js";
export * from "./metrics/index.js";
export * from "./partitioner/index.js";
export * from "./producer/index.js";
export * from "./registry/index.js";
export * from "./serializer/index.js";
export * from "./telemetry/index.js";
export * from "./transport/index.js";
