import { deflateSync, inflateSync } from "node:zlib";

/** Codecs this client can write. Values are `CompressionType` numbers from the protocol. */
export const COMPRESSION_TYPES = { none: 0, zlib: 2 } as const;

export type CompressionCodec = keyof typeof COMPRESSION_TYPES;

/**
 * Compresses a batch payload. Pulsar's ZLIB codec is the zlib stream format (RFC 1950), which is
 * what both the Java (`Deflater`) and C++ clients write, and what `node:zlib` deflate produces.
 */
export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  return codec === "zlib" ? deflateSync(data) : data;
}

/** The inverse of `compress`, for tests and diagnostics. */
export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  return codec === "zlib" ? inflateSync(data) : data;
}
