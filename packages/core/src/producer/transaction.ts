import { OutboundError, toOutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage, OutboundRecord, RecordBatch } from "../message/index.js";
import type { SendContext, TransportTransaction } from "../transport/index.js";
import type { BackoffPolicy } from "./backoff.js";
import type { Clock } from "./clock.js";

/** Transactional sends are bounded by their deadline, never aborted from outside. */
const NEVER_ABORTED = new AbortController().signal;

import type { ProducerTransaction } from "./types.js";

/**
 * What the producer counts and traces of a transaction's messages: the same metrics, spans and
 * `sent = acked + failed` as every other send. A message counts as acked at commit, not when the
 * broker first holds it: an aborted transaction's messages are failed, with the reason.
 */
export interface TransactionObserver {
  accepted(record: OutboundRecord): void;
  settled(record: OutboundRecord, report: DeliveryReport | undefined, error: OutboundError | undefined): void;
}

interface Staged {
  record: OutboundRecord;
  startedAt: number;
  resolve(report: DeliveryReport): void;
  reject(error: OutboundError): void;
}

/**
 * One transaction's sends. Records staged in the same tick go out together, one request per
 * topic-partition in the order they were sent; each `send()` resolves once the broker holds its
 * record inside the transaction (visible to read-committed consumers at commit).
 */
export class TransactionRun {
  private staged: Staged[] = [];
  private flushScheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly admissions = new Set<Promise<unknown>>();
  private failure: OutboundError | undefined;
  private finished = false;
  /** Records the broker holds inside the transaction, settled in the metrics at commit or abort. */
  private readonly held: { record: OutboundRecord; report: DeliveryReport }[] = [];

  constructor(
    private readonly broker: TransportTransaction,
    private readonly transportName: string,
    private readonly prepare: (message: OutboundMessage) => Promise<OutboundRecord>,
    private readonly timing: { deliveryTimeoutMs: number; requestTimeoutMs: number; retry: BackoffPolicy },
    private readonly clock: Clock,
    private readonly observer: TransactionObserver,
  ) {}

  readonly handle: ProducerTransaction = {
    send: <V>(message: OutboundMessage<V>) => this.send(message as OutboundMessage),
  };

  private send(message: OutboundMessage): Promise<DeliveryReport> {
    if (this.finished) {
      return Promise.reject(
        new OutboundError("INVALID_MESSAGE", "send() on a transaction that has already ended", {
          transport: this.transportName,
        }),
      );
    }
    const startedAt = this.clock.now();
    const admission = this.prepare(message).then(
      (record) =>
        new Promise<DeliveryReport>((resolve, reject) => {
          this.observer.accepted(record);
          this.staged.push({
            record,
            startedAt,
            resolve: (report) => {
              this.held.push({ record, report });
              resolve(report);
            },
            reject: (error) => {
              this.observer.settled(record, undefined, error);
              reject(error);
            },
          });
          this.scheduleFlush();
        }),
    );
    const tracked = admission.then(
      () => undefined,
      () => undefined,
    );
    this.admissions.add(tracked);
    tracked.finally(() => this.admissions.delete(tracked));
    return admission;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.staged;
      this.staged = [];
      this.chain = this.chain.then(() => this.sendStaged(batch));
    });
  }

  private async sendStaged(staged: Staged[]): Promise<void> {
    const groups = new Map<string, Staged[]>();
    for (const s of staged) {
      const id = `${s.record.partition}\u0000${s.record.topic}`;
      const group = groups.get(id);
      if (group) group.push(s);
      else groups.set(id, [s]);
    }
    // Partitions go out together; the transaction aborts if any of them fails.
    await Promise.all([...groups.values()].map((group) => this.sendGroup(group)));
  }

  private async sendGroup(group: Staged[]): Promise<void> {
    if (this.failure) {
      for (const s of group) s.reject(this.failure);
      return;
    }
    const first = group[0]!.record;
    const batch: RecordBatch = {
      topic: first.topic,
      partition: first.partition,
      acks: "all",
      records: group.map((s) => s.record),
    };
    const earliest = Math.min(...group.map((s) => s.startedAt));
    const context: SendContext = {
      signal: NEVER_ABORTED,
      timeoutMs: Math.max(1, Math.ceil(earliest + this.timing.deliveryTimeoutMs - this.clock.now())),
      requestTimeoutMs: this.timing.requestTimeoutMs,
      retry: this.timing.retry,
    };
    try {
      const results = await this.broker.send(batch, context);
      const now = this.clock.now();
      group.forEach((s, i) => {
        const r = results[i];
        if (r?.ok) {
          s.resolve({
            topic: s.record.topic,
            partition: r.partition ?? s.record.partition,
            offset: r.offset,
            messageId: r.messageId,
            timestamp: r.timestamp ?? s.record.timestamp,
            attempts: 1,
            acknowledged: true,
            latencyMs: now - s.startedAt,
          });
        } else {
          const error = r
            ? r.error
            : new OutboundError("PROTOCOL_ERROR", "no result for a transactional record");
          this.failure ??= error;
          s.reject(error);
        }
      });
    } catch (error) {
      const e = toOutboundError(error, "INTERNAL", { transport: this.transportName });
      this.failure ??= e;
      for (const s of group) s.reject(e);
    }
  }

  /** Waits for every send made so far to be admitted and sent. */
  private async drain(): Promise<void> {
    while (this.admissions.size > 0 || this.staged.length > 0 || this.flushScheduled) {
      await Promise.all([...this.admissions]);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.chain;
    }
    await this.chain;
  }

  /** Commits when every send succeeded; otherwise aborts and throws the first failure. */
  async commit(): Promise<void> {
    await this.drain();
    this.finished = true;
    if (this.failure) {
      await this.broker.abort().catch(() => undefined);
      const error = new OutboundError(this.failure.code, `transaction aborted: ${this.failure.message}`, {
        kind: "terminal",
        transport: this.transportName,
        cause: this.failure,
      });
      this.settleHeld(error);
      throw error;
    }
    try {
      await this.broker.commit();
    } catch (error) {
      this.settleHeld(toOutboundError(error, "INTERNAL", { transport: this.transportName }));
      throw error;
    }
    this.settleHeld(undefined);
  }

  /** Ends the held records' spans and counts them: acked at a commit, failed otherwise. */
  private settleHeld(error: OutboundError | undefined): void {
    for (const { record, report } of this.held.splice(0)) {
      this.observer.settled(record, error ? undefined : report, error);
    }
  }

  /** Aborts after the work failed; sends still waiting fail with the reason. */
  async abort(reason: unknown): Promise<void> {
    this.finished = true;
    const error = new OutboundError("REJECTED", "transaction aborted because its work failed", {
      transport: this.transportName,
      cause: reason,
    });
    this.failure ??= error;
    await this.drain().catch(() => undefined);
    await this.broker.abort().catch(() => undefined);
    this.settleHeld(error);
  }
}
