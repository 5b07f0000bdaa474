export { type Capabilities, describeCapabilities } from "./capabilities.js";
export { ConnectOnce } from "./connect-once.js";
export type {
  BackpressureState,
  SendContext,
  Transport,
  TransportConfig,
  TransportContext,
  TransportModule,
  TransportSettings,
  TransportTransaction,
} from "./transport.js";
