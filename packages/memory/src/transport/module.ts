import type { TransportConfig, TransportModule } from "@outbound/core";
import type { MemoryTransportOptions } from "./config.js";
import { memoryTransport } from "./memory-transport.js";

/**
 * What the core registry loads for `memory://` URLs and `transport: "memory"`. A producer made
 * this way always uses a named, process-wide broker (`default` unless the URL or options name
 * one), so the application's tests can reach it with `getMemoryBroker(name)`.
 */
export const transport: TransportModule<MemoryTransportOptions | undefined> = {
  name: "memory",
  schemes: ["memory"],
  create(config: TransportConfig<MemoryTransportOptions | undefined>) {
    const options = config.options ?? {};
    const url = config.url ?? options.url ?? "memory://";
    return memoryTransport({ ...options, url });
  },
};
