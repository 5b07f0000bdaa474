import { createRequire } from "node:module";
import { promisify } from "node:util";
import { constants as zlibConstants, zstdCompress, zstdDecompress } from "node:zlib";
import { OutboundError } from "@outbound/core";
import type { KafkaCompression } from "@outbound/kafka-common";
import kafkajs from "kafkajs";

const { CompressionCodecs, CompressionTypes } = kafkajs;

/** The kafkajs codec shape: `compress` gets kafkajs's encoder, whose `buffer` holds the records. */
interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** Kafka's default zstd level (compression.zstd.level), so sizes match the Java producer's. */
const ZSTD_LEVEL = 3;

// Native addons are loaded on first use, so a user who never picks lz4 or zstd never loads them.
const require = createRequire(import.meta.url);

/**
 * Kafka's LZ4 codec (since message format v1, KIP-57) is the standard LZ4 *frame* format.
 * lz4-napi's frame functions write it through lz4_flex with independent blocks and no content
 * size, which is what Kafka's own LZ4 stream reader accepts.
 */
function lz4Codec(): KafkajsCodec {
  const lz4 = require("lz4-napi") as typeof import("lz4-napi");
  return {
    compress: (encoder) => lz4.compressFrame(encoder.buffer),
    decompress: (buffer) => lz4.decompressFrame(buffer),
  };
}

const compressZstd = promisify(zstdCompress);
const decompressZstd = promisify(zstdDecompress);

/** Kafka's zstd codec is a plain zstd frame per record batch; Node's zlib writes it (Node 22.15+). */
function zstdCodec(): KafkajsCodec {
  const params = { params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } };
  return {
    compress: (kafkaEncoder) => compressZstd(kafkaEncoder.buffer, params),
    decompress: (buffer) => decompressZstd(buffer),
  };
}

function load(make: () => KafkajsCodec, compression: string, pkg: string): () => KafkajsCodec {
  let codec: KafkajsCodec | undefined;
  return () => {
    if (codec) return codec;
    try {
      codec = make();
    } catch (error) {
      throw new OutboundError(
        "UNSUPPORTED_FEATURE",
        `${compression} compression needs ${pkg}, which failed to load on this platform`,
        { transport: "kafkajs", cause: error },
      );
    }
    return codec;
  };
}

let registered = false;

/**
 * Registers the lz4 and zstd codecs on kafkajs's (process-wide) codec table, so both producing
 * and consuming with kafkajs in this process understand them. Idempotent; a codec someone else
 * registered first is left in place.
 */
export function registerKafkaCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  const builtIn = (type: number) => {
    try {
      codecs[type]?.();
      return false;
    } catch {
      // kafkajs's own placeholders throw "not implemented": those are ours to replace.
      return true;
    }
  };
  if (builtIn(CompressionTypes.LZ4))
    codecs[CompressionTypes.LZ4] = load(lz4Codec, "lz4", 'the native package "lz4-napi"');
  if (builtIn(CompressionTypes.ZSTD))
    codecs[CompressionTypes.ZSTD] = load(zstdCodec, "zstd", "node:zlib (zstd needs Node 22.15 or newer)");
}

/** The kafkajs compression type for an option value. */
export function toKafkaCompression(compression: KafkaCompression): number {
  switch (compression) {
    case "none":
      return CompressionTypes.None;
    case "gzip":
      return CompressionTypes.GZIP;
    case "lz4":
      return CompressionTypes.LZ4;
    case "zstd":
      return CompressionTypes.ZSTD;
    case "snappy":
      return CompressionTypes.Snappy;
  }
}

/** Loads the codec now, so a missing native package fails `connect()` rather than the first send. */
export function ensureCodec(compression: KafkaCompression): void {
  registerKafkaCodecs();
  if (compression === "lz4" || compression === "zstd") {
    (CompressionCodecs as unknown as Record<number, () => KafkajsCodec>)[toKafkaCompression(compression)]!();
  }
}
