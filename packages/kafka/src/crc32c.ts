import { crc32c, loadNativeCRC32C, Writer } from "@platformatic/kafka";

/**
 * The client's CRC-32C over @node-rs/crc32, where its prebuilt binary loaded. Its wrapper copies
 * a plain Buffer into a fresh Uint8Array before the native call, a second copy of every batch the
 * producer sends (measured at 1 KiB values: ~10 % of the process's CPU and much of its GC); a
 * one-chunk DynamicBuffer is handed to the addon as it is, so the batch is wrapped in one.
 */
const native = loadNativeCRC32C();

/**
 * CRC-32C of a record batch's body, as Kafka's v2 format requires: the native addon without a
 * copy where it loaded, the client's WebAssembly version otherwise (which takes a Buffer).
 */
export function checksum(bytes: Buffer): number {
  if (native) return native(Writer.create().append(bytes).dynamicBuffer) >>> 0;
  return crc32c(bytes) >>> 0;
}
