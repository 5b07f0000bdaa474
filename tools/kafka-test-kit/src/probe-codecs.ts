import { compressionsAlgorithms } from "@platformatic/kafka";
import kafkajs from "kafkajs";

const { CompressionCodecs, CompressionTypes } = kafkajs;

type CodecFactory = () => {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};

/**
 * Lets the probe's kafkajs consumer read snappy, lz4 and zstd batches. kafkajs ships only gzip
 * and keeps one process-wide codec table, so a slot is filled only while it still holds kafkajs's
 * "not implemented" placeholder: the kafkajs transport under test, which registers its own codecs
 * when it connects, keeps them. Called before each read, after the transport connected.
 */
export function registerProbeCodecs(): void {
  const table = CompressionCodecs as unknown as Record<number, CodecFactory>;
  const slots = [
    [CompressionTypes.Snappy, compressionsAlgorithms.snappy],
    [CompressionTypes.LZ4, compressionsAlgorithms.lz4],
    [CompressionTypes.ZSTD, compressionsAlgorithms.zstd],
  ] as const;
  for (const [type, algorithm] of slots) {
    try {
      table[type]?.();
      continue;
    } catch {
      // the placeholder: ours to fill
    }
    table[type] = () => ({
      compress: async (encoder) => algorithm.compressSync(encoder.buffer),
      decompress: async (buffer) => algorithm.decompressSync(buffer),
    });
  }
}
