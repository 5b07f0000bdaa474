import { randomBytes } from "node:crypto";
import type { Workload } from "./types.js";

/** Distinct payloads cycled through, so every message is not the same bytes but nothing is built per send. */
const PAYLOADS = 64;
/** Distinct keys for keyed workloads: enough to spread over 8 partitions evenly. */
const KEYS = 1024;

/**
 * Pre-generated message bytes. Outbound (bytes serializer) and every raw client take these same
 * buffers, so no side pays for encoding and both put identical bytes on the wire.
 */
export interface Payloads {
  values: Buffer[];
  keys: Buffer[] | undefined;
  value(i: number): Buffer;
  key(i: number): Buffer | undefined;
}

export function makePayloads(workload: Workload): Payloads {
  const values = Array.from({ length: PAYLOADS }, () => randomBytes(workload.size));
  const keys = workload.keyed
    ? Array.from({ length: KEYS }, (_, i) => Buffer.from(`key-${i.toString().padStart(6, "0")}`))
    : undefined;
  return {
    values,
    keys,
    value: (i) => values[i % PAYLOADS]!,
    key: keys ? (i) => keys[i % KEYS] : () => undefined,
  };
}

/** `100B`, `1KiB`, `10KiB`: how sizes read in tables. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

export function workloadLabel(w: Workload): string {
  return `${formatSize(w.size)} ${w.keyed ? "keyed" : "unkeyed"} p${w.partitions}`;
}

/** The bytes serializer's content type, which Outbound sends with every message; raw baselines send it too. */
export const CONTENT_TYPE = "application/octet-stream";
