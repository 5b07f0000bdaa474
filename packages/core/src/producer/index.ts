export type { BackoffPolicy } from "./backoff.js";
export { createProducer } from "./create.js";
export type {
  CloseResult,
  DeliveryCallback,
  Producer,
  ProducerEventName,
  ProducerEvents,
  ProducerTransaction,
  SendOptions,
  SendSettled,
  Undelivered,
} from "./types.js";
export type { CallbackError, CallbackSite } from "./user-code.js";
