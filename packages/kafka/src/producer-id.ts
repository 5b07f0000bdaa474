import type { Logger } from "@outbound/core";
import { initProducerIdV2, initProducerIdV3, initProducerIdV4, initProducerIdV5 } from "@platformatic/kafka";
import type { Cluster } from "./cluster.js";
import { protocolErrorOf, toKafkaOutboundError } from "./errors.js";
import type { ProducerIdAndEpoch } from "./partition-state.js";
import type { TransactionCoordinator } from "./transaction-coordinator.js";

/** InitProducerId versions: v3 and up take the current id and epoch to bump (KIP-360). */
export const INIT_PRODUCER_ID = [
  initProducerIdV5.api,
  initProducerIdV4.api,
  initProducerIdV3.api,
  initProducerIdV2.api,
] as const;

/** InitProducerId answers that mean "ask again": the broker is still loading or moving state. */
const RETRY_INIT = new Set([
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
  "CONCURRENT_TRANSACTIONS",
]);

/** Kafka's epoch is an int16; the Java client takes a new producer id rather than wrap it. */
const MAX_EPOCH = 0x7fff;

/** How long an idempotent producer's id stays valid with no transaction: the broker ignores it. */
const IDEMPOTENT_TRANSACTION_TIMEOUT_MS = 60_000;

interface InitAnswer {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * The producer id and epoch of an idempotent (or transactional) producer. An idempotent producer
 * gets its id from any broker and bumps the epoch itself when a partition's sequence state is lost
 * (KIP-360: a new epoch restarts the sequences at 0); a transactional one asks its transaction
 * coordinator for both.
 */
export class ProducerIdManager {
  current: ProducerIdAndEpoch | undefined;
  /** A transactional producer lost a partition's sequence state: bump the epoch after the abort. */
  bumpAfterAbort = false;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly logger: Logger,
    private readonly requestTimeoutMs: number,
    private readonly transactional?: { coordinator: TransactionCoordinator; timeoutMs: number },
  ) {}

  /** Obtains an id when there is none; callers share one request. Rejects with a classified error. */
  ensure(): Promise<void> {
    if (this.current) return Promise.resolve();
    this.#pending ??= this.#init(undefined).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * Moves an idempotent producer to the next epoch, locally. At the largest epoch it drops the id,
   * so the next `ensure()` asks for a new one. Returns the new identity, or undefined then.
   */
  bump(): ProducerIdAndEpoch | undefined {
    const current = this.current;
    if (!current) return undefined;
    if (current.epoch >= MAX_EPOCH) {
      this.current = undefined;
      return undefined;
    }
    this.current = { producerId: current.producerId, epoch: current.epoch + 1 };
    this.logger.info(
      { producerId: String(current.producerId), epoch: current.epoch + 1 },
      "kafka idempotent producer moved to a new epoch",
    );
    return this.current;
  }

  /** A transactional producer's epoch bump after an aborted transaction: the coordinator decides. */
  async bumpTransactional(): Promise<void> {
    await this.#init(this.current);
  }

  /**
   * InitProducerId for an idempotent producer, from any broker. A broker still loading its
   * transaction state (a fresh cluster) answers COORDINATOR_LOAD_IN_PROGRESS: asked again with
   * backoff, as the Java client does, until `requestTimeoutMs` passes.
   */
  async #initIdempotent(): Promise<InitAnswer> {
    const deadline = performance.now() + this.requestTimeoutMs;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        const connection = await this.cluster.anyConnection();
        return await connection.call<InitAnswer>(INIT_PRODUCER_ID, null, IDEMPOTENT_TRANSACTION_TIMEOUT_MS);
      } catch (error) {
        const name = protocolErrorOf(error)?.apiId;
        const retriable =
          name === undefined ? toKafkaOutboundError(error, "connect").retriable : RETRY_INIT.has(name);
        if (!retriable || performance.now() + wait > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async #init(previous: ProducerIdAndEpoch | undefined): Promise<void> {
    let answer: InitAnswer;
    try {
      if (this.transactional) {
        const { coordinator, timeoutMs } = this.transactional;
        answer = await coordinator.call<InitAnswer>(
          INIT_PRODUCER_ID,
          (version) =>
            previous && version >= 3
              ? [coordinator.transactionalId, timeoutMs, previous.producerId, previous.epoch]
              : [coordinator.transactionalId, timeoutMs],
          "initializing the transactional producer",
        );
      } else {
        answer = await this.#initIdempotent();
      }
    } catch (error) {
      throw toKafkaOutboundError(error, "connect", "obtaining a producer id");
    }
    this.current = { producerId: answer.producerId, epoch: answer.producerEpoch };
    this.logger.debug(
      { producerId: String(answer.producerId), epoch: answer.producerEpoch },
      "kafka producer id obtained",
    );
  }
}
