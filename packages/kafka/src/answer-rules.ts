import type { ErrorKind } from "@outbound/core";
import { nextSequenceAfter, type PartitionState } from "./partition-state.js";
import type { ProduceBatch } from "./produce-batch.js";

/** What to do with a batch the broker answered with an error. */
export interface Verdict {
  action: "retry" | "fail" | "split";
  /** The partition's sequence state is off: move to a new epoch before sending new batches. */
  bumpEpoch: boolean;
  /** The answer says the client's metadata is stale (the leader moved). */
  refreshMetadata: boolean;
}

/** Errors after which the leader must be looked up again. */
const STALE_METADATA = new Set([
  "NOT_LEADER_OR_FOLLOWER",
  "NOT_LEADER_FOR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "KAFKA_STORAGE_ERROR",
  "NOT_ENOUGH_REPLICAS",
]);

const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

/**
 * The rules the Java client's Sender and TransactionManager apply to a produce error, for one
 * batch. A batch is only ever resent as it was (same producer id, epoch and sequence), so the
 * broker recognises a retry it already stored:
 *
 * - too large with several records: split in two, keeping the identity with contiguous sequences;
 * - OUT_OF_ORDER_SEQUENCE_NUMBER: an earlier batch of the partition has not been stored yet, so
 *   retry after it; if this batch *is* the next the broker should expect, the broker lost the
 *   partition's sequence state, so retry under a new epoch;
 * - UNKNOWN_PRODUCER_ID: the broker forgot the producer; retry under a new epoch;
 * - INVALID_PRODUCER_EPOCH: fail this batch, new epoch for the rest;
 * - otherwise by kind: retriable and unknown-outcome answers are retried, terminal ones fail.
 */
export function verdictFor(
  name: string,
  kind: ErrorKind,
  batch: ProduceBatch,
  partition: PartitionState,
  idempotent: boolean,
): Verdict {
  const refreshMetadata = STALE_METADATA.has(name);
  if (TOO_LARGE.has(name)) {
    return { action: batch.records.length > 1 ? "split" : "fail", bumpEpoch: false, refreshMetadata: false };
  }
  if (idempotent && batch.sequenced) {
    if (name === "OUT_OF_ORDER_SEQUENCE_NUMBER") {
      const expected = nextSequenceAfter(partition.lastAckedSequence, 1);
      const gap =
        partition.unresolvedUntil === undefined
          ? batch.baseSequence === expected
          : batch.baseSequence === partition.unresolvedUntil;
      return { action: "retry", bumpEpoch: gap, refreshMetadata: false };
    }
    if (name === "UNKNOWN_PRODUCER_ID") return { action: "retry", bumpEpoch: true, refreshMetadata: false };
    if (name === "INVALID_PRODUCER_EPOCH") return { action: "fail", bumpEpoch: true, refreshMetadata: false };
  }
  if (kind === "terminal") return { action: "fail", bumpEpoch: false, refreshMetadata };
  return { action: "retry", bumpEpoch: false, refreshMetadata };
}
