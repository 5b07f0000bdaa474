import { OutboundError } from "@outbound/core";

/** Settings of a {@link MemoryBroker}. Every field has a default. */
export interface MemoryBrokerOptions {
  /** Partitions of a topic created on first use. Default 1, as Kafka's `num.partitions`. */
  defaultPartitions?: number;
  /** Create a topic the first time it is used. Default true; when false, unknown topics fail with `UNKNOWN_DESTINATION`. */
  autoCreateTopics?: boolean;
  /** Largest message (key + value + header names and values) in bytes. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Most bytes in one produce request. Default 16 MiB. */
  maxBatchBytes?: number;
  /** Most records in one produce request. Default 10 000. */
  maxBatchRecords?: number;
  /** A message whose `id` was stored less than this long ago is acknowledged but not stored again. Default 5 minutes (SQS FIFO's window); 0 turns deduplication off. */
  dedupWindowMs?: number;
  /** Longest `delayMs` accepted. Default 15 minutes (SQS's ceiling); 0 turns delay off. */
  maxDelayMs?: number;
  /** Clock in milliseconds since the epoch; tests inject one to move the dedup window. Default `Date.now`. */
  now?: () => number;
}

/** Options with every default filled in. */
export type ResolvedBrokerOptions = Required<MemoryBrokerOptions>;

const MiB = 1024 * 1024;

export const BROKER_DEFAULTS: Omit<ResolvedBrokerOptions, "now"> = {
  defaultPartitions: 1,
  autoCreateTopics: true,
  maxMessageBytes: MiB,
  maxBatchBytes: 16 * MiB,
  maxBatchRecords: 10_000,
  dedupWindowMs: 5 * 60_000,
  maxDelayMs: 15 * 60_000,
};

type NumericOption = "defaultPartitions" | "maxMessageBytes" | "maxBatchBytes" | "maxBatchRecords";
const POSITIVE_INTEGERS: readonly NumericOption[] = [
  "defaultPartitions",
  "maxMessageBytes",
  "maxBatchBytes",
  "maxBatchRecords",
];
const NON_NEGATIVE_INTEGERS = ["dedupWindowMs", "maxDelayMs"] as const;

function invalid(field: string, expected: string, value: unknown): OutboundError {
  return new OutboundError(
    "INVALID_CONFIG",
    `memory.${field} must be ${expected}, got ${JSON.stringify(value)}`,
    {
      transport: "memory",
      details: { field },
    },
  );
}

/** Checks user-supplied options and fills in defaults; throws `INVALID_CONFIG` naming the field. */
export function resolveBrokerOptions(options: MemoryBrokerOptions = {}): ResolvedBrokerOptions {
  for (const field of POSITIVE_INTEGERS) {
    const value = options[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw invalid(field, "a positive integer", value);
    }
  }
  for (const field of NON_NEGATIVE_INTEGERS) {
    const value = options[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw invalid(field, "a non-negative integer", value);
    }
  }
  if (options.autoCreateTopics !== undefined && typeof options.autoCreateTopics !== "boolean") {
    throw invalid("autoCreateTopics", "a boolean", options.autoCreateTopics);
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw invalid("now", "a function", options.now);
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...BROKER_DEFAULTS, now: Date.now, ...defined };
}
