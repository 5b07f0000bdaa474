/**
 * @outbound/pulsar: the Pulsar transport for Outbound. It speaks Pulsar's binary protocol in
 * TypeScript (protobufjs for the frames), so it needs no native code: the CRC-32C and LZ4 addons
 * it loads where available have JavaScript fallbacks or are opt-in.
 */
import type { TransportConfig, TransportModule } from "@outbound/core";
import { type PulsarTransportOptions, resolvePulsarConfig } from "./config.js";
import { PulsarTransport } from "./transport.js";

export type { PulsarTransportOptions } from "./config.js";
export { PulsarTransport } from "./transport.js";

/** Creates the transport directly: `createProducer({ transport: pulsarTransport({ serviceUrl }) })`. */
export function pulsarTransport(options: PulsarTransportOptions): PulsarTransport {
  return new PulsarTransport(resolvePulsarConfig({ options }));
}

/** What the core registry loads for `pulsar://` and `pulsar+ssl://` URLs. */
export const transport: TransportModule<PulsarTransportOptions | undefined> = {
  name: "pulsar",
  schemes: ["pulsar", "pulsar+ssl"],
  create(config: TransportConfig<PulsarTransportOptions | undefined>) {
    return new PulsarTransport(resolvePulsarConfig(config), config.logger);
  },
};
