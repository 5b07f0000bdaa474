import type { Headers } from "@outbound/core";
import type { ProduceRecord } from "./produce-request.js";

/** Bytes a record occupies as the broker counts it: key, value, header names and header values. */
export function recordSize(record: ProduceRecord): number {
  return (record.key?.byteLength ?? 0) + record.value.byteLength + headersSize(record.headers);
}

function headersSize(headers: Headers | undefined): number {
  let total = 0;
  // for-in rather than Object.entries: this runs for every record, and most have no headers.
  for (const name in headers) {
    const value = headers[name];
    total += Buffer.byteLength(name, "utf8");
    total += typeof value === "string" ? Buffer.byteLength(value, "utf8") : (value?.byteLength ?? 0);
  }
  return total;
}

/** `1.2 MiB`, `512 B`: sizes as people read them in error messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KiB`;
  return `${trim(bytes / (1024 * 1024))} MiB`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
