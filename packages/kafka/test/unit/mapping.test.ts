import { record } from "@outbound/contract";
import { describe, expect, it } from "vitest";
import { toRecordResults } from "../../src/mapping.js";
import type { PartitionAnswer } from "../../src/produce-request.js";

const records = [0, 1, 2].map((i) => record("t", `v${i}`, { timestamp: 1_700_000_000_000 + i }));
const answer = (baseOffset: bigint, logAppendTimeMs = -1n): PartitionAnswer => ({
  topic: "t",
  partition: 4,
  errorCode: 0,
  baseOffset,
  logAppendTimeMs,
  errorMessage: null,
});

describe("the broker's answer as results", () => {
  it("gives record i the offset baseOffset + i and keeps each record's own timestamp", () => {
    expect(toRecordResults(records, 4, true, answer(41n))).toEqual([
      { ok: true, partition: 4, offset: "41", timestamp: 1_700_000_000_000, acknowledged: true },
      { ok: true, partition: 4, offset: "42", timestamp: 1_700_000_000_001, acknowledged: true },
      { ok: true, partition: 4, offset: "43", timestamp: 1_700_000_000_002, acknowledged: true },
    ]);
  });

  it("reports the broker's time on a LogAppendTime topic", () => {
    const results = toRecordResults(records, 4, true, answer(0n, 1_800_000_000_000n));
    expect(results.map((r) => (r.ok ? r.timestamp : undefined))).toEqual([
      1_800_000_000_000, 1_800_000_000_000, 1_800_000_000_000,
    ]);
  });

  it("reports no offset for a duplicate answered with -1, and none without an answer", () => {
    const duplicate = toRecordResults(records, 4, true, answer(-1n));
    expect(duplicate.every((r) => r.ok && r.offset === undefined && r.acknowledged)).toBe(true);
    const unanswered = toRecordResults(records, 4, false, undefined);
    expect(unanswered).toEqual(records.map(() => ({ ok: true, partition: 4, acknowledged: false })));
  });
});
