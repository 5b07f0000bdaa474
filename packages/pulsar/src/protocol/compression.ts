import { createRequire } from "node:module";
import { deflateSync, inflateSync } from "node:zlib";

/** Codecs this client can write. Values are `CompressionType` numbers from the protocol. */
export const COMPRESSION_TYPES = { none: 0, lz4: 1, zlib: 2 } as const;

export type CompressionCodec = keyof typeof COMPRESSION_TYPES;

type Lz4 = typeof import("lz4-napi");

// lz4-napi is a native addon (prebuilt per platform, installed from npm): loaded only when a
// producer picks lz4, so everyone else runs without native code.
const require = createRequire(import.meta.url);
let lz4: Lz4 | undefined;

/** Loads the LZ4 addon; throws its load error when this platform has no prebuilt binary. */
export function loadLz4(): Lz4 {
  lz4 ??= require("lz4-napi") as Lz4;
  return lz4;
}

/**
 * Compresses a batch payload.
 *
 * - ZLIB is the zlib stream format (RFC 1950), what the Java (`Deflater`) and C++ clients write
 *   and what `node:zlib` deflate produces.
 * - LZ4 is the raw LZ4 *block* format, not the frame format: the Java client's codec compresses
 *   with lz4-java's block compressor and decompresses with the `uncompressed_size` from
 *   MessageMetadata. lz4-napi's `compressSync` writes a block behind a 4-byte little-endian
 *   length, which is dropped here.
 */
export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  if (codec === "zlib") return deflateSync(data);
  if (codec === "lz4") return loadLz4().compressSync(data).subarray(4);
  return data;
}

/** The inverse of `compress`, for tests and diagnostics; LZ4 needs the uncompressed size. */
export function decompress(codec: CompressionCodec, data: Buffer, uncompressedSize = 0): Buffer {
  if (codec === "zlib") return inflateSync(data);
  if (codec === "lz4") {
    const sized = Buffer.alloc(4 + data.length);
    sized.writeUInt32LE(uncompressedSize, 0);
    data.copy(sized, 4);
    return loadLz4().uncompressSync(sized);
  }
  return data;
}
