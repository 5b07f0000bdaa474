/**
 * @outbound/pulsar: the Pulsar transport for Outbound. It speaks Pulsar's binary protocol in
 * TypeScript (protobufjs for the frames), so it needs no native code: the CRC-32C and LZ4 addons
 * it loads where available have JavaScript fallbacks or are opt-in.
 */
import type { TransportModule, TransportSettings } from "@outbound/core";
import { type PulsarTransportOptions, resolvePulsarOptions } from "./config.js";
import { PulsarTransport } from "./transport.js";

export {
  type PulsarTransportOptions,
  type ResolvedPulsarConfig,
  resolvePulsarConfig,
  resolvePulsarOptions,
} from "./config.js";
export { PulsarTransport } from "./transport.js";

/**
 * A Pulsar transport from options, for `createProducer({ transport: pulsarTransport({...}) })`:
 * `serviceUrl` (or `url`, as every transport's factory takes it) says where. Throws
 * `INVALID_CONFIG` at once for bad options; connects on first use.
 */
export function pulsarTransport(
  options: PulsarTransportOptions & { url?: string } = {},
  settings: TransportSettings = {},
): PulsarTransport {
  const { url, ...rest } = options;
  return new PulsarTransport(resolvePulsarOptions(rest, { url }), settings);
}

/** What the core registry loads for `pulsar://` and `pulsar+ssl://` URLs. */
export const transport: TransportModule<PulsarTransportOptions | undefined> = {
  name: "pulsar",
  schemes: ["pulsar", "pulsar+ssl"],
  create(config) {
    return new PulsarTransport(resolvePulsarOptions(config.options, config), config);
  },
};
