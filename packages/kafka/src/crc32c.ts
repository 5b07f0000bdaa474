import { crc32c } from "@platformatic/kafka";

/**
 * CRC-32C of a record batch's body, as Kafka's v2 format requires. The client's implementation:
 * the native @node-rs/crc32 where its prebuilt binary installed, WebAssembly otherwise.
 */
export function checksum(bytes: Buffer): number {
  return crc32c(bytes) >>> 0;
}
