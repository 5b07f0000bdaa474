import {
  OutboundError,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  type TransportTransaction,
} from "@outbound/core";
import { addPartitionsToTxnV3, endTxnV3, endTxnV4, type ProtocolError } from "@platformatic/kafka";
import { protocolErrorOf } from "./errors.js";
import type { ProducerIdManager } from "./producer-id.js";
import type { TransactionCoordinator } from "./transaction-coordinator.js";

/** AddPartitionsToTxn v3 is the last a client sends; v4 and up are broker-to-broker (KIP-890). */
const ADD_PARTITIONS = [addPartitionsToTxnV3.api] as const;
const END_TXN = [endTxnV4.api, endTxnV3.api] as const;

interface AddPartitionsAnswer {
  resultsByTransaction?: {
    topicResults: {
      name: string;
      resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[];
    }[];
  }[];
}

/** How the transaction's batches reach the broker: the transport's sender. */
export type TransactionalSend = (
  batch: RecordBatch,
  context: SendContext | undefined,
) => Promise<RecordResult[]>;

/**
 * One Kafka transaction (KIP-98): partitions are registered with the coordinator before the
 * first batch to each, batches go out with the transactional id and flag, and EndTxn commits or
 * aborts them together. Read-committed consumers see all of it at commit, or nothing.
 */
export class KafkaTransaction implements TransportTransaction {
  readonly #added = new Set<string>();
  #adding = new Map<string, Promise<void>>();
  #active = true;

  constructor(
    private readonly coordinator: TransactionCoordinator,
    private readonly ids: ProducerIdManager,
    private readonly produce: TransactionalSend,
    private readonly onEnd: () => void,
  ) {}

  /** False once committed or aborted. */
  isActive(): boolean {
    return this.#active;
  }

  async send(batch: RecordBatch, context?: SendContext): Promise<RecordResult[]> {
    if (!this.#active) {
      throw new OutboundError("INVALID_MESSAGE", "send() on a transaction that has ended", {
        transport: "kafka",
      });
    }
    await this.#addPartition(batch.topic, batch.partition);
    return this.produce({ ...batch, acks: "all" }, context);
  }

  #addPartition(topic: string, partition: number): Promise<void> {
    const key = `${partition}\u0000${topic}`;
    if (this.#added.has(key)) return Promise.resolve();
    let adding = this.#adding.get(key);
    if (!adding) {
      adding = this.#register(topic, partition).then(
        () => {
          this.#added.add(key);
          this.#adding.delete(key);
        },
        (error: unknown) => {
          this.#adding.delete(key);
          throw error;
        },
      );
      this.#adding.set(key, adding);
    }
    return adding;
  }

  async #register(topic: string, partition: number): Promise<void> {
    const id = this.ids.current!;
    const answer = await this.coordinator.call<AddPartitionsAnswer>(
      ADD_PARTITIONS,
      () => [
        [
          {
            transactionalId: this.coordinator.transactionalId,
            producerId: id.producerId,
            producerEpoch: id.epoch,
            verifyOnly: false,
            topics: [{ name: topic, partitions: [partition] }],
          },
        ],
      ],
      `adding ${topic}[${partition}] to the transaction`,
    );
    for (const result of answer.resultsByTransaction ?? []) {
      for (const t of result.topicResults) {
        for (const p of t.resultsByPartition) {
          if (p.partitionErrorCode !== 0) {
            throw new OutboundError(
              "REJECTED",
              `the coordinator refused ${t.name}[${p.partitionIndex}] (error ${p.partitionErrorCode})`,
              {
                transport: "kafka",
              },
            );
          }
        }
      }
    }
  }

  commit(): Promise<void> {
    return this.#end(true);
  }

  async abort(): Promise<void> {
    await this.#end(false);
    // After a lost sequence state the coordinator moves the producer to its next epoch.
    if (this.ids.bumpAfterAbort) {
      this.ids.bumpAfterAbort = false;
      await this.ids.bumpTransactional();
    }
  }

  async #end(commit: boolean): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    try {
      // A transaction that never registered a partition has nothing to end at the coordinator.
      if (this.#added.size === 0) return;
      const id = this.ids.current!;
      await this.coordinator.call(
        END_TXN,
        () => [this.coordinator.transactionalId, id.producerId, id.epoch, commit],
        commit ? "committing the transaction" : "aborting the transaction",
      );
    } catch (error) {
      const protocol: ProtocolError | undefined = protocolErrorOf(error);
      if (protocol && (protocol as unknown as { apiId: string }).apiId === "INVALID_PRODUCER_EPOCH")
        this.ids.current = undefined;
      throw error;
    } finally {
      this.onEnd();
    }
  }
}
