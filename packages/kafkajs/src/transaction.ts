import type { RecordBatch, RecordResult } from "@outbound/core";
import type { Transaction } from "kafkajs";
import { toKafkaOutboundError } from "./errors.js";
import { toKafkaAcks, toKafkaMessage, toRecordResults } from "./mapping.js";

/**
 * One Kafka transaction: batches sent through it become visible to `read_committed` consumers
 * together on `commit()`, or never after `abort()`. The transport-level piece of
 * `producer.transaction(...)`; the engine decides how to expose it.
 */
export class KafkajsTransaction {
  readonly #transaction: Transaction;
  readonly #compression: number;

  constructor(transaction: Transaction, compression: number) {
    this.#transaction = transaction;
    this.#compression = compression;
  }

  /**
   * Sends a batch inside the transaction. Transactions need acks `all`; the batch's acks are
   * ignored. A failure rejects: the caller should `abort()`, as Kafka fences a transaction after
   * most send errors.
   */
  async send(batch: RecordBatch): Promise<RecordResult[]> {
    try {
      const metadata = await this.#transaction.send({
        topic: batch.topic,
        messages: batch.records.map(toKafkaMessage),
        acks: toKafkaAcks("all"),
        compression: this.#compression as never,
      });
      return toRecordResults({ ...batch, acks: "all" }, metadata);
    } catch (error) {
      throw toKafkaOutboundError(
        error,
        "produce",
        `transactional send to ${batch.topic}[${batch.partition}]`,
      );
    }
  }

  async commit(): Promise<void> {
    try {
      await this.#transaction.commit();
    } catch (error) {
      throw toKafkaOutboundError(error, "produce", "committing the transaction");
    }
  }

  async abort(): Promise<void> {
    try {
      await this.#transaction.abort();
    } catch (error) {
      throw toKafkaOutboundError(error, "produce", "aborting the transaction");
    }
  }

  /** False once committed or aborted. */
  isActive(): boolean {
    return this.#transaction.isActive();
  }
}
