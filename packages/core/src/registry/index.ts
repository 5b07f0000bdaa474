export { findTransport, registerTransport, transportNames } from "./registry.js";
