import type { MemoryBrokerOptions } from "./broker-options.js";
import { MemoryBroker } from "./memory-broker.js";

/** The broker `memory://` (no name) and `getMemoryBroker()` refer to. */
export const DEFAULT_BROKER_NAME = "default";

// Kept on globalThis so that two copies of this module (source and dist, or two bundles) still
// share brokers: a producer built from a URL and the test inspecting it must see the same one.
const REGISTRY_KEY = Symbol.for("@outbound/memory/brokers");
type Registry = Map<string, MemoryBroker>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  holder[REGISTRY_KEY] ??= new Map();
  return holder[REGISTRY_KEY];
}

/**
 * The process-wide broker called `name`, created on first use. This is how a test reaches the
 * broker behind `createProducer({ url: "memory://orders" })`: `getMemoryBroker("orders")`.
 * Options given here are applied to the broker, whether it is new or not.
 */
export function getMemoryBroker(
  name: string = DEFAULT_BROKER_NAME,
  options?: MemoryBrokerOptions,
): MemoryBroker {
  const brokers = registry();
  let broker = brokers.get(name);
  if (!broker) {
    broker = new MemoryBroker(options, name);
    brokers.set(name, broker);
  } else if (options) {
    broker.configure(options);
  }
  return broker;
}

/** Forgets a named broker, so the next `getMemoryBroker(name)` starts empty. */
export function removeMemoryBroker(name: string = DEFAULT_BROKER_NAME): boolean {
  return registry().delete(name);
}
