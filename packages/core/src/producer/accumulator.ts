import type { OutboundError } from "../errors/index.js";
import type { EngineContext } from "./context.js";
import { DeadlineSweeper } from "./deadline-sweeper.js";
import { Lane } from "./lane.js";
import { deadlineOf, type PendingRecord } from "./pending.js";
import type { Settlement } from "./settlement.js";
import type { Undelivered } from "./types.js";

/** Sends one batch cut from a lane; the sender's `dispatch`. */
export type Dispatch = (lane: Lane, records: PendingRecord[], now: number) => void;

/**
 * The per-partition lanes (as Java's `RecordAccumulator`): records wait in their lane for linger,
 * a full batch, flush or close, and the in-flight limit; batches are cut from the head within the
 * record and byte limits. Sends made in one synchronous burst are drained together after it, so
 * they fill one batch.
 */
export class Accumulator {
  readonly lanes: Lane[] = [];
  readonly deadlines: DeadlineSweeper;
  private readonly lanesByTopic = new Map<string, Lane[]>();
  private dirtyLanes: Lane[] = [];
  private drainQueued = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly settlement: Settlement,
    private readonly dispatch: Dispatch,
  ) {
    this.deadlines = new DeadlineSweeper(ctx, this.lanes, settlement);
  }

  /** From here the message is pending: it settles through the settlement exactly once. */
  enqueue(record: PendingRecord): void {
    record.state = "queued";
    this.ctx.outstanding.pending++;
    this.deadlines.watch(record.startedAt + this.ctx.deliveryTimeoutMs);
    const lane = this.laneFor(record.topic, record.partition);
    lane.push(record);
    this.scheduleDrain(lane);
  }

  /** Drains every lane with records now (flush, close). */
  drainAll(): void {
    for (const lane of this.lanes) if (lane.queue.length > 0) this.drain(lane);
  }

  /** Drains every lane with records after the current burst (the broker resumed). */
  resume(): void {
    for (const lane of this.lanes) if (lane.queue.length > 0) this.scheduleDrain(lane);
  }

  /** Sends what the lane may send now, and arms its wake-up for what must wait. */
  drain(lane: Lane): void {
    const ctx = this.ctx;
    const connected = ctx.connected;
    if (ctx.paused.paused || !connected) return;
    const { maxInFlight, maxRecords, maxBytes } = connected.limits;
    const linger = ctx.options.lingerMs;
    while (lane.inFlight < maxInFlight && lane.queue.length > 0) {
      const now = ctx.clock.now();
      if (now < lane.retryAt) {
        this.wakeLane(lane, lane.retryAt);
        return;
      }
      const head = lane.queue.peek()!;
      const ready =
        linger === 0 ||
        ctx.flushing > 0 ||
        ctx.closing ||
        head.attempt > 1 ||
        lane.queue.length >= maxRecords ||
        lane.queuedBytes >= maxBytes ||
        now - head.startedAt >= linger;
      if (!ready) {
        this.wakeLane(lane, head.startedAt + linger);
        return;
      }
      const records = this.takeBatch(lane, now, maxRecords, maxBytes);
      if (records.length > 0) this.dispatch(lane, records, now);
    }
  }

  /** Fails everything still queued (a forced close); returns what it failed, with each error. */
  failQueued(errorFor: (p: PendingRecord) => OutboundError): Undelivered[] {
    const undelivered: Undelivered[] = [];
    for (const lane of this.lanes) {
      for (const p of lane.queue.drainAll()) {
        if (p.finished) continue;
        const error = errorFor(p);
        undelivered.push({ message: p.message, error });
        this.settlement.fail(p, error);
      }
      lane.queuedBytes = 0;
    }
    return undelivered;
  }

  /** Stops every timer the lanes and the sweeper hold. */
  stopTimers(): void {
    this.deadlines.stop();
    for (const lane of this.lanes) lane.clearWake();
  }

  private laneFor(topic: string, partition: number): Lane {
    // Looked up by topic, then partition index: no key string per message.
    let byPartition = this.lanesByTopic.get(topic);
    if (!byPartition) {
      byPartition = [];
      this.lanesByTopic.set(topic, byPartition);
    }
    let lane = byPartition[partition];
    if (!lane) {
      lane = new Lane(topic, partition, this.ctx.clock);
      byPartition[partition] = lane;
      this.lanes.push(lane);
    }
    return lane;
  }

  /** Drains dirty lanes after the current burst of synchronous sends. */
  private scheduleDrain(lane: Lane): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    this.dirtyLanes.push(lane);
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainDirty);
    }
  }

  private readonly drainDirty = (): void => {
    this.drainQueued = false;
    const lanes = this.dirtyLanes;
    this.dirtyLanes = [];
    for (const lane of lanes) {
      lane.scheduled = false;
      this.drain(lane);
    }
  };

  private wakeLane(lane: Lane, at: number): void {
    if (lane.wakeTimer && lane.wakeAt <= at) return;
    lane.clearWake();
    lane.wakeAt = at;
    lane.wakeTimer = this.ctx.clock.setTimeout(
      () => {
        lane.wakeTimer = undefined;
        lane.wakeAt = 0;
        this.drain(lane);
      },
      Math.max(0, Math.ceil(at - this.ctx.clock.now())),
    );
  }

  /** Cuts a batch from the lane's head within the record and byte limits, failing expired records. */
  private takeBatch(lane: Lane, now: number, maxRecords: number, maxBytes: number): PendingRecord[] {
    const deliveryTimeoutMs = this.ctx.deliveryTimeoutMs;
    const batch: PendingRecord[] = [];
    let bytes = 0;
    while (batch.length < maxRecords) {
      const head = lane.queue.peek();
      if (!head) break;
      if (batch.length > 0 && bytes + head.sizeBytes > maxBytes) break;
      lane.shift();
      if (head.finished) continue;
      if (now >= deadlineOf(head, deliveryTimeoutMs)) {
        this.settlement.fail(head, this.deadlines.expired(head, now));
        continue;
      }
      batch.push(head);
      bytes += head.sizeBytes;
    }
    return batch;
  }
}
