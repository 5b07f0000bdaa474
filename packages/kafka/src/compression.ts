import { OutboundError } from "@outbound/core";
import type { KafkaCompression } from "@outbound/kafka-common";
import { compressionsAlgorithms } from "@platformatic/kafka";

/** A record batch codec: the attribute bits that name it and a synchronous compressor. */
export interface KafkaCodec {
  readonly name: Exclude<KafkaCompression, "none">;
  readonly attribute: number;
  compress(records: Buffer): Buffer;
}

/**
 * The codec for a compression option, from the client: gzip and zstd from `node:zlib`, snappy
 * and lz4 (frame format, as Kafka's LZ4 is) compiled to WebAssembly. No native module.
 * `undefined` for `none`. Throws `UNSUPPORTED_FEATURE` when this Node lacks the codec.
 */
export function codecFor(compression: KafkaCompression): KafkaCodec | undefined {
  if (compression === "none") return undefined;
  const algorithm = compressionsAlgorithms[compression];
  if (!algorithm.available) {
    throw new OutboundError(
      "UNSUPPORTED_FEATURE",
      `${compression} compression is not available on Node ${process.version}`,
      {
        transport: "kafka",
      },
    );
  }
  return {
    name: compression,
    attribute: algorithm.bitmask,
    compress: (records) => algorithm.compressSync(records),
  };
}
