/**
 * @outbound/core/transport: what a transport package is built from. The contracts a transport
 * implements, and the kit every built-in transport uses so the rules live in code rather than
 * folklore: capabilities with documented defaults, errors bound to the transport's name, the
 * closed state, config sections that refuse unknown keys, and the engine's backoff for
 * transports that retry themselves (`capabilities.retries: "transport"`).
 */
export { checkKnownKeys, closestName } from "../../config/known-keys.js";
export { redactConfig, redactUrl } from "../../config/redact.js";
export { type BackoffPolicy, backoffDelay } from "../../producer/backoff.js";
export type { Capabilities } from "../capabilities.js";
export { ConnectOnce } from "../connect-once.js";
export type {
  BackpressureState,
  SendContext,
  Transport,
  TransportConfig,
  TransportContext,
  TransportModule,
  TransportSettings,
  TransportTransaction,
} from "../transport.js";
export { ClosedState } from "./closed-state.js";
export { CAPABILITY_DEFAULTS, type CapabilitiesInput, defineCapabilities } from "./define-capabilities.js";
export { type OptionChecks, optionChecks } from "./option-checks.js";
export { type TransportErrors, transportErrors } from "./transport-errors.js";
