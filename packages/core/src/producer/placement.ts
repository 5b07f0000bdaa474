import { OutboundError } from "../errors/index.js";
import { stickyPartitioner } from "../partitioner/sticky.js";
import type { EngineContext } from "./context.js";
import type { Lane } from "./lane.js";
import type { PendingRecord } from "./pending.js";
import { fillRecord, tooLarge } from "./prepare.js";

/**
 * Where a record goes once its value is bytes: the size check, then its partition (explicit,
 * the partitioner for keys, sticky for keyless), and moving sticky partitioning on once a batch
 * for the current partition is on its way.
 */
export class Placement {
  private readonly sticky = stickyPartitioner();

  constructor(private readonly ctx: EngineContext) {}

  /** Gives the record its bytes and partition; throws for size and partition errors. */
  place(record: PendingRecord, value: unknown, count: number): void {
    const name = this.ctx.transportName;
    // Once there are bytes, a failure can still be dead-lettered.
    fillRecord(record, value, name);
    const oversize = tooLarge(record, this.ctx.connected!.limits.maxMessageBytes, name);
    if (oversize) throw oversize;
    // -1 until placed when the message named no partition (see `readMessage`).
    const explicit = record.partition >= 0;
    record.partition = this.choosePartition(record, explicit, count);
    record.sticky = record.key === undefined && !explicit && !this.ctx.partitionKeyless;
  }

  /** Keyless messages move to another partition once a batch for this one is on its way. */
  batchSent(lane: Lane, count: number | undefined): void {
    if (count !== undefined && count > 1) this.sticky.next(lane.topic, count, lane.partition);
  }

  private choosePartition(record: PendingRecord, explicit: boolean, count: number): number {
    const { caps, partitioner } = this.ctx.connected!;
    const key = record.key;
    if (explicit) {
      if (record.partition >= count) {
        throw new OutboundError(
          "INVALID_MESSAGE",
          `partition ${record.partition} does not exist: ${record.topic} has ${count} partition(s)`,
          { transport: this.ctx.transportName },
        );
      }
      return record.partition;
    }
    if (!caps.partitioned || count <= 1) return 0;
    if (key === undefined && !this.ctx.partitionKeyless) return this.sticky.current(record.topic, count);
    let p: number;
    try {
      p = partitioner.partition({ topic: record.topic, key, partitions: count });
    } catch (error) {
      // The partitioner runs for this message only: its throw fails this message, typed.
      throw new OutboundError(
        "INVALID_MESSAGE",
        `partitioner ${partitioner.name} threw for a message to ${record.topic}: ${error instanceof Error ? error.message : String(error)}`,
        { transport: this.ctx.transportName, cause: error },
      );
    }
    if (!Number.isInteger(p) || p < 0 || p >= count) {
      throw new OutboundError(
        "INVALID_MESSAGE",
        `partitioner ${partitioner.name} returned ${String(p)} for a topic with ${count} partitions`,
        { transport: this.ctx.transportName },
      );
    }
    return p;
  }
}
