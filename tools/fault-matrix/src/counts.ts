import type { ErrorKind } from "@outbound/core";

/** One message the stream sent: what the producer said about it, and when. */
export interface SentMessage {
  n: number;
  key: string;
  sentAt: number;
  settledAt?: number;
  outcome?: "acked" | "failed";
  kind?: ErrorKind;
  code?: string;
}

/** One copy the broker holds, read back by an independent client. */
export interface StoredCopy {
  n: number;
  key: string;
  /** Where in its partition (or queue), for the order check. */
  partition: number;
  position: number;
}

/** The counts a fault case reports and asserts. */
export interface Counts {
  sent: number;
  acked: number;
  failed: number;
  /** Failed by kind. */
  failedByKind: Record<string, number>;
  stored: number;
  ackedButLost: number;
  /** Stored although reported failed; allowed only for the unknown-outcome kind. */
  storedButFailed: number;
  storedButFailedNotUnknown: number;
  /** Messages stored more than once, and the extra copies. */
  duplicated: number;
  extraCopies: number;
  /** Keys whose first copies are not in send order. */
  keysOutOfOrder: number;
  /** Up to three of them, as "key: n stored after m". */
  outOfOrderExamples: string[];
  /** Sends that settled later than the deadline plus the bound, or never. */
  lateOrUnsettled: number;
  /** Longest time without any acknowledgment while sends were outstanding, ms. */
  stallMs: number;
  /** Slowest settlement, ms. */
  maxSettleMs: number;
}

export function count(
  sent: readonly SentMessage[],
  stored: readonly StoredCopy[],
  deadlineMs: number,
  boundMs: number,
): Counts {
  const copies = new Map<number, number>();
  for (const s of stored) copies.set(s.n, (copies.get(s.n) ?? 0) + 1);
  const failedByKind: Record<string, number> = {};
  let acked = 0;
  let failed = 0;
  let ackedButLost = 0;
  let storedButFailed = 0;
  let storedButFailedNotUnknown = 0;
  let lateOrUnsettled = 0;
  let maxSettleMs = 0;
  for (const m of sent) {
    const held = (copies.get(m.n) ?? 0) > 0;
    if (m.outcome === "acked") {
      acked++;
      if (!held) ackedButLost++;
    } else if (m.outcome === "failed") {
      failed++;
      failedByKind[m.kind ?? "?"] = (failedByKind[m.kind ?? "?"] ?? 0) + 1;
      if (held) {
        storedButFailed++;
        if (m.kind !== "unknown-outcome") storedButFailedNotUnknown++;
      }
    }
    const settle = m.settledAt === undefined ? Number.POSITIVE_INFINITY : m.settledAt - m.sentAt;
    if (settle > deadlineMs + boundMs) lateOrUnsettled++;
    if (Number.isFinite(settle) && settle > maxSettleMs) maxSettleMs = settle;
  }
  let duplicated = 0;
  let extraCopies = 0;
  for (const c of copies.values()) {
    if (c > 1) {
      duplicated++;
      extraCopies += c - 1;
    }
  }
  // Order among first copies: per key, in stored position order, n must increase.
  const byPartition = new Map<number, StoredCopy[]>();
  for (const s of stored) {
    const list = byPartition.get(s.partition) ?? [];
    list.push(s);
    byPartition.set(s.partition, list);
  }
  const lastN = new Map<string, number>();
  const seen = new Set<number>();
  const outOfOrder = new Set<string>();
  const examples: string[] = [];
  for (const list of byPartition.values()) {
    list.sort((a, b) => a.position - b.position);
    for (const s of list) {
      if (seen.has(s.n)) continue;
      seen.add(s.n);
      const last = lastN.get(s.key);
      if (last !== undefined && s.n < last) {
        if (outOfOrder.size < 3 && !outOfOrder.has(s.key))
          examples.push(`${s.key}: ${s.n} stored after ${last}`);
        outOfOrder.add(s.key);
      }
      lastN.set(s.key, s.n);
    }
  }
  // Stall: the longest gap between acknowledgments.
  const ackTimes = sent
    .filter((m) => m.outcome === "acked" && m.settledAt !== undefined)
    .map((m) => m.settledAt!)
    .sort((a, b) => a - b);
  let stallMs = 0;
  for (let i = 1; i < ackTimes.length; i++) stallMs = Math.max(stallMs, ackTimes[i]! - ackTimes[i - 1]!);
  return {
    sent: sent.length,
    acked,
    failed,
    failedByKind,
    stored: stored.length,
    ackedButLost,
    storedButFailed,
    storedButFailedNotUnknown,
    duplicated,
    extraCopies,
    keysOutOfOrder: outOfOrder.size,
    outOfOrderExamples: examples,
    lateOrUnsettled,
    stallMs: Math.round(stallMs),
    maxSettleMs: Math.round(maxSettleMs),
  };
}
