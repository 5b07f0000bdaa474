export { type Capabilities, describeCapabilities } from "./capabilities.js";
export { ConnectOnce } from "./connect-once.js";
export type {
  BackpressureState,
  SendContext,
  Transport,
  TransportConfig,
  TransportModule,
  TransportTransaction,
} from "./transport.js";
