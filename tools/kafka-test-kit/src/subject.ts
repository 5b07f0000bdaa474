import type { RecordBatch, RecordResult, SendContext, Transport } from "@outbound/core";
import type { KafkaCommonOptions, KafkaCompression } from "@outbound/kafka-common";

/** Options a suite gives the transport under test: the common ones, a URL, or a proxy to dial. */
export type SubjectOptions = KafkaCommonOptions & {
  url?: string;
  /** Every broker connection goes through the toxiproxy listener on this port. */
  proxyPort?: number;
};

/** What the suites use of a Kafka transport beyond the Transport contract. */
export interface KafkaTransportUnderTest extends Transport {
  describe(): string;
  transaction(): Promise<{
    send(batch: RecordBatch, context?: SendContext): Promise<RecordResult[]>;
    commit(): Promise<void>;
    abort(): Promise<void>;
    isActive(): boolean;
  }>;
}

/** One of the two Kafka transports, as the shared suites build it. */
export interface KafkaSubject {
  /** The transport's name, as its errors carry it. */
  name: "kafka" | "kafkajs";
  transport(options: SubjectOptions): KafkaTransportUnderTest;
  /** The codecs it writes, besides none. */
  compressions: readonly Exclude<KafkaCompression, "none">[];
  /** Who resends a failed batch: the engine, or the transport with its sequence numbers. */
  retries: "engine" | "transport";
  /** Whether `idempotent: true` makes it claim deduplication (capabilities.dedup). */
  dedupWhenIdempotent: boolean;
}
