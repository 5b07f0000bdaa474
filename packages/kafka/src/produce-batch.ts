import type { Acks, OutboundError, OutboundRecord, RecordResult, SendContext } from "@outbound/core";
import type { KafkaCodec } from "./compression.js";
import { type BatchIdentity, encodeRecordBatch, NO_IDENTITY } from "./record-batch.js";

/** Where a batch's results go: the engine's request, or the batch it was split from. */
interface Settlement {
  settle(offset: number, results: RecordResult[]): void;
}

/**
 * One partition's records on their way to the broker, from the engine's `send` until every record
 * has a result. The same object is resent on every retry, with the producer id, epoch and base
 * sequence it got when first sent: that is what lets the broker drop a retry it already stored.
 */
export class ProduceBatch {
  /** Producer identity and sequence; unset (-1) until first sent by an idempotent producer. */
  producerId = -1n;
  producerEpoch = -1;
  baseSequence = -1;
  /** Sends so far; a retry is attempt 2 and up. */
  attempts = 0;
  /** Part of a request whose answer has not come. */
  onWire = false;
  /** Handed to a connection at least once: from then on the broker may hold the records. */
  written = false;
  /** `performance.now()` before which a retry is not sent (backoff). */
  retryAt = 0;
  /** Settled towards the engine (acknowledged, failed, or expired). */
  done = false;
  lastError: OutboundError | undefined;
  #encoded: Buffer | undefined;
  #encodedFor = "";

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly acks: Acks,
    readonly records: readonly OutboundRecord[],
    /** `performance.now()` at which the engine's delivery deadline for these records passes. */
    readonly deadline: number,
    readonly context: SendContext | undefined,
    readonly transactional: boolean,
    private readonly settlement: Settlement,
    private readonly offsetInOwner = 0,
  ) {}

  get sequenced(): boolean {
    return this.baseSequence >= 0;
  }

  get lastSequence(): number {
    return this.baseSequence + this.records.length - 1;
  }

  /** The signal the engine aborts when it stops waiting (close, or its own deadline timer). */
  get aborted(): boolean {
    return this.context?.signal.aborted === true;
  }

  /** The record batch's bytes under the batch's identity, encoded again only if that changed. */
  encode(codec: KafkaCodec | undefined): Buffer {
    const key = `${this.producerId}:${this.producerEpoch}:${this.baseSequence}`;
    if (!this.#encoded || this.#encodedFor !== key) {
      const identity: BatchIdentity = this.sequenced
        ? {
            producerId: this.producerId,
            producerEpoch: this.producerEpoch,
            baseSequence: this.baseSequence,
            transactional: this.transactional,
          }
        : this.transactional
          ? { ...NO_IDENTITY, transactional: true }
          : NO_IDENTITY;
      this.#encoded = encodeRecordBatch(this.records, identity, codec);
      this.#encodedFor = key;
    }
    return this.#encoded;
  }

  /** Gives this batch's records their results; the batch is done. */
  settle(results: RecordResult[]): void {
    if (this.done) return;
    this.done = true;
    this.#encoded = undefined;
    this.settlement.settle(this.offsetInOwner, results);
  }

  /** Every record failed with `error`. */
  fail(error: OutboundError): void {
    this.settle(this.records.map(() => ({ ok: false, error })));
  }

  /**
   * Two batches with the first and second half of the records, keeping this batch's producer
   * identity with contiguous sequences, as the Java client splits a batch the broker found too
   * large. Their results settle this batch's share of the request.
   */
  split(): [ProduceBatch, ProduceBatch] {
    const middle = Math.ceil(this.records.length / 2);
    const parts: RecordResult[][] = [[], []];
    let pending = 2;
    const owner: Settlement = {
      settle: (offset, results) => {
        parts[offset === 0 ? 0 : 1] = results;
        if (--pending === 0) this.settle([...parts[0]!, ...parts[1]!]);
      },
    };
    const make = (records: readonly OutboundRecord[], offset: number, sequence: number) => {
      const child = new ProduceBatch(
        this.topic,
        this.partition,
        this.acks,
        records,
        this.deadline,
        this.context,
        this.transactional,
        owner,
        offset,
      );
      if (this.sequenced) {
        child.producerId = this.producerId;
        child.producerEpoch = this.producerEpoch;
        child.baseSequence = sequence;
      }
      child.attempts = this.attempts;
      child.written = this.written;
      child.lastError = this.lastError;
      return child;
    };
    return [
      make(this.records.slice(0, middle), 0, this.baseSequence),
      make(this.records.slice(middle), middle, this.sequenced ? this.baseSequence + middle : -1),
    ];
  }
}

/** The settlement of a batch the engine sent: resolves the transport's `send` promise. */
export function engineSettlement(resolve: (results: RecordResult[]) => void): Settlement {
  return { settle: (_offset, results) => resolve(results) };
}
