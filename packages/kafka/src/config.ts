import { optionChecks } from "@outbound/core/transport";
import {
  COMPRESSIONS,
  type KafkaCommonOptions,
  type KafkaOptionsContext,
  type ResolvedKafkaCommonOptions,
  resolveKafkaCommonOptions,
} from "@outbound/kafka-common";

/** Where a broker is dialled: its advertised address, or what `brokerAddress` maps it to. */
export interface KafkaBrokerAddress {
  host: string;
  port: number;
}

/** Options of the Kafka transport: the `kafka: {...}` section of the producer config. */
export interface KafkaTransportOptions extends KafkaCommonOptions {
  /**
   * Produce requests in flight per broker connection, Java's
   * `max.in.flight.requests.per.connection`. Default 5, which is also the most the idempotent
   * producer allows: the broker remembers the last 5 batches of each producer to drop repeats.
   */
  maxInFlightRequests?: number;
  /** Milliseconds a transaction may stay open before the coordinator aborts it. Default 60000. */
  transactionTimeoutMs?: number;
  /** @deprecated The former name of `transactionTimeoutMs`; still read. */
  transactionTimeout?: number;
  /**
   * Advanced: the address to dial for a broker, given the address it advertises. For brokers
   * reached through an SSH tunnel, a port forward or a proxy, without changing their
   * `advertised.listeners`. Bootstrap addresses are dialled as given.
   */
  brokerAddress?: (broker: { nodeId: number; host: string; port: number }) => KafkaBrokerAddress;
}

export interface ResolvedKafkaOptions extends ResolvedKafkaCommonOptions {
  maxInFlightRequests: number;
  transactionTimeoutMs: number;
  brokerAddress: KafkaTransportOptions["brokerAddress"];
}

/** The idempotent producer's limit, and Java's default. */
export const MAX_IN_FLIGHT_IDEMPOTENT = 5;

const EXTRA_OPTIONS = ["maxInFlightRequests", "transactionTimeoutMs", "brokerAddress"] as const;

/**
 * Validates options and fills defaults. Throws `INVALID_CONFIG` naming the option at fault.
 * `url` options are the base; explicit `options` win over them. Idempotence is on unless
 * `idempotent: false` (or, through the registry, the producer's acks are not "all"), as in the
 * Java producer since Kafka 3.0.
 */
export function resolveKafkaOptions(
  options: KafkaTransportOptions | undefined,
  context: KafkaOptionsContext = {},
): ResolvedKafkaOptions {
  const { common, merged } = resolveKafkaCommonOptions(options, context, {
    transport: "kafka",
    compressions: COMPRESSIONS,
    defaultIdempotent: context.acks === undefined || context.acks === "all",
    extraOptionNames: EXTRA_OPTIONS,
    schemes: ["kafka"],
    renamedOptions: { transactionTimeout: "transactionTimeoutMs" },
  });
  const check = optionChecks("kafka");
  const invalid = check.invalid;
  const maxInFlightRequests =
    check.positiveInteger(merged.maxInFlightRequests, "maxInFlightRequests") ?? MAX_IN_FLIGHT_IDEMPOTENT;
  if (common.idempotent && maxInFlightRequests > MAX_IN_FLIGHT_IDEMPOTENT) {
    throw invalid(
      `option "idempotent" needs "maxInFlightRequests" of at most ${MAX_IN_FLIGHT_IDEMPOTENT} (the broker remembers the last 5 batches of a producer), got ${maxInFlightRequests}`,
    );
  }
  const brokerAddress = merged.brokerAddress;
  if (brokerAddress !== undefined && typeof brokerAddress !== "function") {
    throw invalid('option "brokerAddress" must be a function');
  }
  return {
    ...common,
    maxInFlightRequests,
    transactionTimeoutMs:
      check.positiveInteger(merged.transactionTimeoutMs, "transactionTimeoutMs") ?? 60_000,
    brokerAddress: brokerAddress as KafkaTransportOptions["brokerAddress"],
  };
}

/** `createProducer({ kafka: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    kafka: KafkaTransportOptions;
  }
}
