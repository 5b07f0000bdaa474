import { type ParsedConfig, type ProducerConfig, parseProducerConfig } from "../config/index.js";
import { OutboundError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { isKeyHashingPartitioner, type Partitioner, resolvePartitioner } from "../partitioner/index.js";
import { findTransport, transportNames } from "../registry/index.js";
import { resolveSerializer } from "../serializer/index.js";
import type { Transport, TransportModule } from "../transport/index.js";
import type { Clock } from "./clock.js";
import { type EngineParts, ProducerEngine, type TransportSource } from "./engine.js";
import type { Producer } from "./types.js";

function isTransport(value: unknown): value is Transport {
  return typeof value === "object" && value !== null && typeof (value as Transport).send === "function";
}

function sourceFor(parsed: ParsedConfig): TransportSource {
  const { options, sections } = parsed;
  const spec = options.transport;
  if (isTransport(spec)) return { transport: spec };
  // `logger` is the engine's: the user's logger with every call contained.
  const fromModule = (module: TransportModule, logger: Logger): Transport =>
    module.create({
      url: options.url,
      options:
        (module.sections ?? [module.name]).map((name) => sections[name]).find((s) => s !== undefined) ?? {},
      clientId: options.clientId,
      logger,
      acks: options.acks,
      requestTimeoutMs: options.requestTimeoutMs,
    });
  if (typeof spec === "object" && spec !== null) {
    const module = spec as TransportModule;
    return { name: module.name, create: async (logger) => fromModule(module, logger) };
  }
  const found = findTransport({ name: spec, url: options.url });
  return { name: found.name, create: async (logger) => fromModule(await found.load(), logger) };
}

/** An error about a URL the application never wrote names where it came from. */
function fromEnvironmentSaysSo<T>(parsed: ParsedConfig, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (parsed.urlFrom !== "OUTBOUND_URL" || !(error instanceof OutboundError)) throw error;
    throw new OutboundError(error.code, `OUTBOUND_URL: ${error.reason}`, {
      kind: error.kind,
      details: error.details,
      cause: error,
    });
  }
}

/**
 * Creates a producer. Validates the whole config first and throws `INVALID_CONFIG` naming every
 * bad field; nothing connects until `connect()` or the first `send()`.
 *
 * ```ts
 * const producer = createProducer({ url: "kafka://127.0.0.1:9092" });
 * const report = await producer.send({ topic: "orders", key: "o-1", value: { total: 12 } });
 * ```
 *
 * With no argument it reads `OUTBOUND_URL` and `OUTBOUND_*` from the environment.
 */
export function createProducer(config?: ProducerConfig): Producer {
  return createProducerWith(config, {});
}

/**
 * `createProducer` with the engine's collaborators injected. Internal: not exported from the
 * package, used by core's own tests to run the engine on a fake clock.
 */
export function createProducerWith(
  config: ProducerConfig | undefined,
  internals: { clock?: Clock },
): Producer {
  const parsed = parseProducerConfig(config, process.env, transportNames());
  const { options } = parsed;
  const source = fromEnvironmentSaysSo(parsed, () => sourceFor(parsed));
  const serializer = resolveSerializer(options.serializer);
  const partitioner: Partitioner | undefined =
    options.partitioner === undefined ? undefined : resolvePartitioner(options.partitioner);
  const parts: EngineParts = {
    parsed,
    source,
    serializer,
    partitioner,
    // A user's own partitioner (a function, an object, round-robin) gets keyless messages too;
    // the key-hashing ones only apply to keys, and keyless messages stay sticky.
    partitionKeyless: partitioner !== undefined && !isKeyHashingPartitioner(partitioner),
    resolveDefaultPartitioner: (name) => resolvePartitioner(name),
    ...(internals.clock ? { clock: internals.clock } : {}),
  };
  return new ProducerEngine(parts);
}
