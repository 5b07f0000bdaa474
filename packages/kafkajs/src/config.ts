import { optionChecks } from "@outbound/core/transport";
import {
  type KafkaCommonOptions,
  type KafkaCompression,
  type KafkaOptionsContext,
  type ResolvedKafkaCommonOptions,
  resolveKafkaCommonOptions,
} from "@outbound/kafka-common";
import type { ISocketFactory } from "kafkajs";

/** Codecs this transport writes: kafkajs's gzip, and lz4 and zstd registered on first use. */
export const KAFKAJS_COMPRESSIONS = [
  "none",
  "gzip",
  "lz4",
  "zstd",
] as const satisfies readonly KafkaCompression[];

/** Options of the kafkajs transport: the `kafkajs: {...}` (or `kafka: {...}`) section of the config. */
export interface KafkajsTransportOptions extends KafkaCommonOptions {
  /** Requests kafkajs may have in flight per broker connection. Must be 1 with `idempotent`. */
  maxInFlightRequests?: number;
  /**
   * Advanced: kafkajs's socket factory, to dial brokers through a proxy (SOCKS, a fault-injection
   * proxy in tests). Every broker connection, including those to advertised addresses, uses it.
   */
  socketFactory?: ISocketFactory;
}

/** The options after defaults and validation. */
export interface ResolvedKafkajsOptions extends ResolvedKafkaCommonOptions {
  maxInFlightRequests: number | undefined;
  socketFactory: ISocketFactory | undefined;
}

/**
 * Validates options and fills defaults. Throws `INVALID_CONFIG` naming the option at fault.
 * `url` options are the base (`kafka://` or `kafkajs://`); explicit `options` win over them.
 */
export function resolveKafkajsOptions(
  options: KafkajsTransportOptions | undefined,
  context: KafkaOptionsContext = {},
): ResolvedKafkajsOptions {
  const { common, merged } = resolveKafkaCommonOptions(options, context, {
    transport: "kafkajs",
    compressions: KAFKAJS_COMPRESSIONS,
    // kafkajs keeps idempotence off unless asked; its idempotent producer allows one request in flight.
    defaultIdempotent: false,
    extraOptionNames: ["maxInFlightRequests", "socketFactory"],
    schemes: ["kafkajs", "kafka"],
  });
  const check = optionChecks("kafkajs");
  const invalid = check.invalid;
  const maxInFlightRequests = check.positiveInteger(merged.maxInFlightRequests, "maxInFlightRequests");
  if (common.idempotent && maxInFlightRequests !== undefined && maxInFlightRequests !== 1) {
    throw invalid(
      `option "idempotent" needs "maxInFlightRequests" 1 (kafkajs keeps sequence numbers per connection), got ${maxInFlightRequests}`,
    );
  }
  if (merged.socketFactory !== undefined && typeof merged.socketFactory !== "function") {
    throw invalid('option "socketFactory" must be a function');
  }
  return {
    ...common,
    maxInFlightRequests: common.idempotent ? 1 : maxInFlightRequests,
    socketFactory: merged.socketFactory as ISocketFactory | undefined,
  };
}

/** `createProducer({ kafkajs: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    kafkajs: KafkajsTransportOptions;
  }
}
