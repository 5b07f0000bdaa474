import type { ProduceBatch } from "./produce-batch.js";

/** Kafka's sequence numbers are int32 and wrap to 0 after the largest. */
const MAX_SEQUENCE = 0x7fffffff;

export function nextSequenceAfter(sequence: number, count: number): number {
  const next = sequence + count;
  return next > MAX_SEQUENCE ? next - MAX_SEQUENCE - 1 : next;
}

/** A producer id and epoch, the identity a partition's sequence numbers belong to. */
export interface ProducerIdAndEpoch {
  producerId: bigint;
  epoch: number;
}

/**
 * What the producer knows about one partition: the batches waiting to be sent (retries first, in
 * sequence order, then new ones in arrival order), the sequenced batches not yet finished, and
 * the sequence bookkeeping the Java client keeps per partition (TxnPartitionEntry): the identity
 * its sequences belong to, the next sequence, the last one the broker acknowledged, and whether
 * an expired batch left the broker's state unknown.
 */
export class PartitionState {
  /** Waiting to be sent: the head goes next. */
  readonly queue: ProduceBatch[] = [];
  /** Sequenced batches not yet finished (on the wire or waiting to be resent), by base sequence. */
  readonly sequenced: ProduceBatch[] = [];
  /** Batches of this partition in requests awaiting an answer. */
  onWire = 0;
  identity: ProducerIdAndEpoch | undefined;
  nextSequence = 0;
  lastAckedSequence = -1;
  /**
   * Set when a batch that may have been written expired: the sequence the broker must have
   * reached for that batch to be stored. New batches wait until it is resolved.
   */
  unresolvedUntil: number | undefined;
  /** The broker's sequence state for this partition is known to be off: bump the epoch. */
  needsEpochBump = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Gives a new batch the next sequence numbers under `identity`. */
  assign(batch: ProduceBatch, identity: ProducerIdAndEpoch): void {
    if (
      !this.identity ||
      this.identity.producerId !== identity.producerId ||
      this.identity.epoch !== identity.epoch
    ) {
      // Adopting a new identity is only safe with nothing of the old one unfinished.
      this.identity = identity;
      this.nextSequence = 0;
      this.lastAckedSequence = -1;
    }
    batch.producerId = identity.producerId;
    batch.producerEpoch = identity.epoch;
    batch.baseSequence = this.nextSequence;
    this.nextSequence = nextSequenceAfter(this.nextSequence, batch.records.length);
    this.sequenced.push(batch);
  }

  /** Whether a new batch may take `identity` now: the partition has nothing of another identity unfinished. */
  canAdopt(identity: ProducerIdAndEpoch): boolean {
    const current = this.identity;
    if (current && current.producerId === identity.producerId && current.epoch === identity.epoch)
      return true;
    return this.sequenced.length === 0;
  }

  /** The broker stored `batch`: its sequences are acknowledged. */
  acknowledged(batch: ProduceBatch): void {
    if (
      batch.sequenced &&
      batch.producerEpoch === this.identity?.epoch &&
      batch.producerId === this.identity.producerId
    ) {
      if (batch.lastSequence > this.lastAckedSequence) this.lastAckedSequence = batch.lastSequence;
    }
    this.forget(batch);
  }

  /** `batch` will not be sent again. */
  forget(batch: ProduceBatch): void {
    const index = this.sequenced.indexOf(batch);
    if (index >= 0) this.sequenced.splice(index, 1);
  }

  /** Whether `batch` (already sequenced) is the earliest unfinished one, so it may be resent. */
  isFirstUnfinished(batch: ProduceBatch): boolean {
    return this.sequenced[0] === batch;
  }

  /** Puts a batch to resend back in the queue, before new batches and in sequence order. */
  requeue(batch: ProduceBatch): void {
    let index = 0;
    while (index < this.queue.length) {
      const queued = this.queue[index]!;
      if (!queued.sequenced || queued.baseSequence > batch.baseSequence) break;
      index++;
    }
    this.queue.splice(index, 0, batch);
  }

  /** Keeps `sequenced` ordered after batches were split or restamped. */
  sortSequenced(): void {
    this.sequenced.sort((a, b) => a.baseSequence - b.baseSequence);
  }

  /** An expired batch may be stored: new batches wait until later answers say whether it was. */
  markUnresolved(batch: ProduceBatch): void {
    const until = nextSequenceAfter(batch.baseSequence, batch.records.length);
    this.unresolvedUntil = this.unresolvedUntil === undefined ? until : Math.max(this.unresolvedUntil, until);
  }

  /**
   * With nothing on the wire, decides an unresolved sequence: the broker acknowledged up to it
   * (resolved), or it did not and the epoch must be bumped so later batches cannot collide.
   */
  resolve(): void {
    if (this.unresolvedUntil === undefined || this.onWire > 0) return;
    if (this.lastAckedSequence + 1 >= this.unresolvedUntil) this.unresolvedUntil = undefined;
    else this.needsEpochBump = true;
  }

  /**
   * After an epoch bump: batches still to be resent take the new identity with sequences from 0
   * in their order, and the partition starts over under it.
   */
  restamp(identity: ProducerIdAndEpoch): void {
    this.identity = identity;
    this.nextSequence = 0;
    this.lastAckedSequence = -1;
    for (const batch of this.sequenced) {
      batch.producerId = identity.producerId;
      batch.producerEpoch = identity.epoch;
      batch.baseSequence = this.nextSequence;
      this.nextSequence = nextSequenceAfter(this.nextSequence, batch.records.length);
    }
    this.unresolvedUntil = undefined;
    this.needsEpochBump = false;
  }
}
