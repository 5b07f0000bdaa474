import type { Capabilities } from "../capabilities.js";

/**
 * What `defineCapabilities` takes: the largest message is required, everything else falls back to
 * {@link CAPABILITY_DEFAULTS}. Nested groups (`headers`, `dedup`, `delay`) may be given in part.
 */
export type CapabilitiesInput = Partial<Omit<Capabilities, "headers" | "dedup" | "delay">> &
  Pick<Capabilities, "maxMessageBytes"> & {
    headers?: Partial<Capabilities["headers"]>;
    dedup?: Partial<Capabilities["dedup"]>;
    delay?: Partial<Capabilities["delay"]>;
  };

/**
 * The defaults promise nothing a broker might not do: one unpartitioned destination per topic,
 * no key ordering, no headers, no dedup, no delay, no timestamps, only `acks: "all"`, no
 * transactions, one record per request and one request in flight, retries by the engine. A
 * transport states each thing it does; leaving one out can only make the producer refuse or
 * slow down, never claim a guarantee the broker does not give.
 */
export const CAPABILITY_DEFAULTS: Readonly<Omit<Capabilities, "maxMessageBytes" | "maxBatchBytes">> =
  Object.freeze({
    maxBatchRecords: 1,
    partitioned: false,
    keyOrdering: "none",
    headers: Object.freeze({ supported: false, binaryValues: false }),
    dedup: Object.freeze({ supported: false }),
    delay: Object.freeze({ supported: false }),
    timestamps: false,
    acks: Object.freeze(["all"] as const),
    transactions: false,
    defaultPartitioner: "murmur2",
    orderedInFlight: 1,
    retries: "engine",
  });

/**
 * A transport's capabilities from what it states, the rest from {@link CAPABILITY_DEFAULTS};
 * `maxBatchBytes` defaults to `maxMessageBytes` (one message must fit a request). The result is
 * frozen: the engine reads it once at connect, so a later change would not be seen anyway.
 */
export function defineCapabilities(input: CapabilitiesInput): Capabilities {
  const d = CAPABILITY_DEFAULTS;
  const capabilities: Capabilities = {
    maxBatchRecords: input.maxBatchRecords ?? d.maxBatchRecords,
    maxBatchBytes: input.maxBatchBytes ?? input.maxMessageBytes,
    maxMessageBytes: input.maxMessageBytes,
    partitioned: input.partitioned ?? d.partitioned,
    keyOrdering: input.keyOrdering ?? d.keyOrdering,
    headers: Object.freeze({ ...d.headers, ...input.headers }),
    dedup: Object.freeze({ ...d.dedup, ...input.dedup }),
    delay: Object.freeze({ ...d.delay, ...input.delay }),
    timestamps: input.timestamps ?? d.timestamps,
    acks: Object.freeze([...(input.acks ?? d.acks)]),
    transactions: input.transactions ?? d.transactions,
    defaultPartitioner: input.defaultPartitioner ?? d.defaultPartitioner,
    orderedInFlight: input.orderedInFlight ?? d.orderedInFlight,
    retries: input.retries ?? d.retries,
  };
  return Object.freeze(capabilities);
}
