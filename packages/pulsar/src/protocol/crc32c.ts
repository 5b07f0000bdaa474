import { createRequire } from "node:module";

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Pulsar payload frames.
 *
 * Every SEND covers its whole batch with it, so it runs over every byte the producer writes.
 * @node-rs/crc32 computes it with the CPU's CRC32 instruction (prebuilt per platform, installed
 * from npm); where no prebuilt binary loads, a slicing-by-8 table implementation in plain
 * JavaScript takes over, about 8x faster than the byte-at-a-time loop it replaced.
 */
type Native = (input: Uint8Array) => number;

const POLYNOMIAL = 0x82f63b78;

/** Eight 256-entry tables: table k maps a byte to its CRC contribution k bytes further on. */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (tables[c & 0xff] as number) ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
}

/** CRC-32C in plain JavaScript, eight bytes per step. Exported for tests and as the fallback. */
export function crc32cSoftware(data: Uint8Array): number {
  const t = TABLES;
  const length = data.length;
  const wholeWords = length - (length & 7);
  let crc = -1;
  let i = 0;
  for (; i < wholeWords; i += 8) {
    const low =
      crc ^
      ((data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24));
    crc =
      (t[1792 + (low & 0xff)] as number) ^
      (t[1536 + ((low >>> 8) & 0xff)] as number) ^
      (t[1280 + ((low >>> 16) & 0xff)] as number) ^
      (t[1024 + (low >>> 24)] as number) ^
      (t[768 + (data[i + 4] as number)] as number) ^
      (t[512 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number);
  }
  for (; i < length; i++) crc = (t[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const require = createRequire(import.meta.url);

function loadNative(): Native | undefined {
  try {
    const { crc32c } = require("@node-rs/crc32") as { crc32c: (input: Uint8Array) => number };
    // Trust the addon only once it gives the standard check value.
    if (crc32c(Buffer.from("123456789")) !== 0xe3069283) return undefined;
    return crc32c;
  } catch {
    // No prebuilt binary for this platform (or it failed to load): the table version works everywhere.
    return undefined;
  }
}

const native = loadNative();

/**
 * Below this many bytes the table loop is at least as fast as a call into the addon, whose fixed
 * cost is a few hundred nanoseconds (measured on x64: even at 256-512 bytes, the addon 4x faster
 * from 4 KiB on). Single small messages, the serial-send case, stay in JavaScript.
 */
const NATIVE_FROM_BYTES = 512;

/** Which implementation `crc32c` uses for large inputs on this machine. */
export const CRC32C_IMPLEMENTATION: "native" | "software" = native ? "native" : "software";

/** The CRC-32C of `data`, as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array): number {
  return native !== undefined && data.length >= NATIVE_FROM_BYTES ? native(data) : crc32cSoftware(data);
}
