import type { OutboundRecord, RecordResult } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { verdictFor } from "../../src/answer-rules.js";
import { nextSequenceAfter, PartitionState } from "../../src/partition-state.js";
import { ProduceBatch } from "../../src/produce-batch.js";

const id = { producerId: 7n, epoch: 0 };

function batch(count: number): ProduceBatch {
  const records = Array.from({ length: count }, () => ({ value: new Uint8Array(1) }) as OutboundRecord);
  return new ProduceBatch("t", 0, "all", records, Number.POSITIVE_INFINITY, undefined, false, {
    settle: (_offset: number, _results: RecordResult[]) => undefined,
  });
}

describe("sequence bookkeeping per partition (Java's TxnPartitionEntry)", () => {
  it("gives batches consecutive sequences and acknowledges them", () => {
    const p = new PartitionState("t", 0);
    const [a, b] = [batch(3), batch(2)];
    p.assign(a, id);
    p.assign(b, id);
    expect([a.baseSequence, b.baseSequence, p.nextSequence]).toEqual([0, 3, 5]);
    expect(p.isFirstUnfinished(a)).toBe(true);
    expect(p.isFirstUnfinished(b)).toBe(false);
    p.acknowledged(a);
    expect(p.lastAckedSequence).toBe(2);
    expect(p.isFirstUnfinished(b)).toBe(true);
  });

  it("wraps sequences past 2^31 - 1 to 0", () => {
    expect(nextSequenceAfter(0x7fffffff - 1, 3)).toBe(1);
  });

  it("puts a resent batch before new ones, in sequence order", () => {
    const p = new PartitionState("t", 0);
    const [a, b, fresh] = [batch(1), batch(1), batch(1)];
    p.assign(a, id);
    p.assign(b, id);
    p.queue.push(fresh);
    p.requeue(b);
    p.requeue(a);
    expect(p.queue).toEqual([a, b, fresh]);
  });

  it("an expired batch leaves the partition unresolved until later answers settle it", () => {
    const p = new PartitionState("t", 0);
    const [a, b] = [batch(2), batch(2)];
    p.assign(a, id);
    p.assign(b, id);
    p.forget(a);
    p.markUnresolved(a);
    // b stored means a was: the broker takes only consecutive sequences.
    p.acknowledged(b);
    p.resolve();
    expect(p.unresolvedUntil).toBeUndefined();
    expect(p.needsEpochBump).toBe(false);
  });

  it("an unresolved range nothing later confirmed asks for a new epoch, which restamps what is left", () => {
    const p = new PartitionState("t", 0);
    const [a, b] = [batch(2), batch(3)];
    p.assign(a, id);
    p.assign(b, id);
    p.forget(a);
    p.markUnresolved(a);
    p.resolve();
    expect(p.needsEpochBump).toBe(true);
    p.restamp({ producerId: 7n, epoch: 1 });
    expect([b.producerEpoch, b.baseSequence, p.nextSequence, p.lastAckedSequence]).toEqual([1, 0, 3, -1]);
    expect(p.needsEpochBump).toBe(false);
  });

  it("adopts a new epoch only with nothing of the old one unfinished", () => {
    const p = new PartitionState("t", 0);
    const a = batch(1);
    p.assign(a, id);
    expect(p.canAdopt({ producerId: 7n, epoch: 1 })).toBe(false);
    p.acknowledged(a);
    expect(p.canAdopt({ producerId: 7n, epoch: 1 })).toBe(true);
  });
});

describe("what an error answer does to a batch (Java's Sender and TransactionManager rules)", () => {
  const sequenced = (p: PartitionState, count = 2) => {
    const b = batch(count);
    p.assign(b, id);
    return b;
  };

  it("OUT_OF_ORDER for a batch that is not the next expected: an earlier one is missing, retry as is", () => {
    const p = new PartitionState("t", 0);
    sequenced(p);
    const later = sequenced(p);
    expect(verdictFor("OUT_OF_ORDER_SEQUENCE_NUMBER", "unknown-outcome", later, p, true)).toEqual({
      action: "retry",
      bumpEpoch: false,
      refreshMetadata: false,
    });
  });

  it("OUT_OF_ORDER for the very batch the broker should expect: its state is lost, retry under a new epoch", () => {
    const p = new PartitionState("t", 0);
    const first = sequenced(p);
    expect(verdictFor("OUT_OF_ORDER_SEQUENCE_NUMBER", "unknown-outcome", first, p, true)).toMatchObject({
      action: "retry",
      bumpEpoch: true,
    });
  });

  it("UNKNOWN_PRODUCER_ID: retry under a new epoch; INVALID_PRODUCER_EPOCH: fail, new epoch for the rest", () => {
    const p = new PartitionState("t", 0);
    const b = sequenced(p);
    expect(verdictFor("UNKNOWN_PRODUCER_ID", "unknown-outcome", b, p, true)).toMatchObject({
      action: "retry",
      bumpEpoch: true,
    });
    expect(verdictFor("INVALID_PRODUCER_EPOCH", "terminal", b, p, true)).toMatchObject({
      action: "fail",
      bumpEpoch: true,
    });
  });

  it("too large: split while there are several records, fail a single one", () => {
    const p = new PartitionState("t", 0);
    expect(verdictFor("MESSAGE_TOO_LARGE", "terminal", sequenced(p, 4), p, true).action).toBe("split");
    expect(verdictFor("RECORD_LIST_TOO_LARGE", "terminal", sequenced(p, 1), p, true).action).toBe("fail");
  });

  it("a leader that moved: retry and look the leader up again; a terminal answer fails", () => {
    const p = new PartitionState("t", 0);
    const b = sequenced(p);
    expect(verdictFor("NOT_LEADER_OR_FOLLOWER", "unknown-outcome", b, p, true)).toEqual({
      action: "retry",
      bumpEpoch: false,
      refreshMetadata: true,
    });
    expect(verdictFor("INVALID_RECORD", "terminal", b, p, true).action).toBe("fail");
  });

  it("without idempotence sequence errors are judged by kind only", () => {
    const p = new PartitionState("t", 0);
    expect(verdictFor("OUT_OF_ORDER_SEQUENCE_NUMBER", "unknown-outcome", batch(1), p, false)).toMatchObject({
      action: "retry",
      bumpEpoch: false,
    });
  });
});

describe("splitting a batch the broker found too large", () => {
  it("keeps the identity with contiguous sequences, and settles the parent from both halves in order", () => {
    const settled: RecordResult[][] = [];
    const records = Array.from({ length: 5 }, () => ({ value: new Uint8Array(1) }) as OutboundRecord);
    const parent = new ProduceBatch("t", 0, "all", records, Number.POSITIVE_INFINITY, undefined, false, {
      settle: (_o, results) => settled.push(results),
    });
    parent.producerId = 7n;
    parent.producerEpoch = 2;
    parent.baseSequence = 10;
    const [first, second] = parent.split();
    expect([first.records.length, second.records.length]).toEqual([3, 2]);
    expect([first.baseSequence, second.baseSequence, second.producerEpoch]).toEqual([10, 13, 2]);
    second.settle(second.records.map(() => ({ ok: true, offset: "b" })));
    expect(settled).toEqual([]);
    first.settle(first.records.map(() => ({ ok: true, offset: "a" })));
    expect(settled[0]?.map((r) => (r.ok ? r.offset : ""))).toEqual(["a", "a", "a", "b", "b"]);
  });
});
