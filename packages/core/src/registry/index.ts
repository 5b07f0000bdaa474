export { findTransport, registerTransport, registerTransportPackage, transportNames } from "./registry.js";
