import { batchOf } from "@outbound/contract";
import type { Acks, OutboundRecord, RecordBatch } from "@outbound/core";

/** Records and send contexts as the engine hands them over, for tests that drive `send` directly. */
export { record, sendContext } from "@outbound/contract";

/** A batch for `topic` (an exchange), in the argument order these tests read best with. */
export function batch(
  topic: string,
  records: OutboundRecord[],
  partition = 0,
  acks: Acks = "all",
): RecordBatch {
  return batchOf(records, { topic, partition, acks });
}
