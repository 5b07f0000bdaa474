import { expect } from "vitest";
import { asText } from "./bytes.js";
import type { ProbedMessage } from "./probe.js";

/**
 * Puts probed messages in broker order: by partition and offset where the probe reports
 * offsets, otherwise in the order the probe returned them (each partition's in broker order).
 */
export function brokerOrder(messages: ProbedMessage[]): ProbedMessage[] {
  if (messages.some((m) => m.offset === undefined)) return messages;
  return messages.toSorted((a, b) =>
    a.partition !== b.partition ? a.partition - b.partition : Number(BigInt(a.offset!) - BigInt(b.offset!)),
  );
}

/** Sequence numbers per key, in broker order, from values shaped `<key>:<seq>`. */
function sequencesByKey(messages: ProbedMessage[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const m of brokerOrder(messages)) {
    const [key, seq] = asText(m.value).split(":");
    byKey.set(key!, [...(byKey.get(key!) ?? []), Number(seq)]);
  }
  return byKey;
}

const ascending = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Checks that each key's messages arrived in send order. Without idempotence a retry after an
 * unknown outcome may store a request twice (at-least-once), so a number already seen is a
 * repeat, not a reordering: the first copies must run 0, 1, 2... with no gap. Without repeats
 * every message must be there; with them, the bounded read may stop short of the last ones.
 */
export function expectSendOrder(messages: ProbedMessage[], keys: string[], perKey: number): void {
  const byKey = sequencesByKey(messages);
  let repeats = 0;
  for (const key of keys) {
    const seen = new Set<number>();
    const firsts: number[] = [];
    for (const seq of byKey.get(key) ?? []) {
      if (seen.has(seq)) repeats++;
      else {
        seen.add(seq);
        firsts.push(seq);
      }
    }
    expect(firsts, `${key}: first copies in send order`).toEqual(ascending(firsts.length));
  }
  if (repeats === 0) for (const key of keys) expect(byKey.get(key)?.length ?? 0, key).toBe(perKey);
  else expect(messages.length, "messages read").toBe(keys.length * perKey);
}
