import { OutboundError } from "@outbound/core";
import {
  FindCoordinatorKeyTypes,
  findCoordinatorV4,
  findCoordinatorV5,
  findCoordinatorV6,
} from "@platformatic/kafka";
import type { ApiChoices, BrokerConnection } from "./broker-connection.js";
import type { Cluster } from "./cluster.js";
import { protocolErrorOf, toKafkaOutboundError } from "./errors.js";

/** FindCoordinator v4 and up take a list of keys (KIP-699). */
const FIND_COORDINATOR = [findCoordinatorV6.api, findCoordinatorV5.api, findCoordinatorV4.api] as const;

/** Answers that mean "ask again, maybe elsewhere": the coordinator moved, is loading, or is busy. */
const COORDINATOR_RETRY = new Set([
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "CONCURRENT_TRANSACTIONS",
]);

interface FindAnswer {
  coordinators: { key: string; nodeId: number; host: string; port: number; errorCode: number }[];
}

/**
 * The transaction coordinator of one transactional id: found with FindCoordinator, asked again
 * when it moves. `call` retries what the coordinator answers while it is busy or moving, with
 * backoff, until `requestTimeoutMs` passes. The first transaction on a fresh cluster waits here
 * while the broker creates its transaction state topic.
 */
export class TransactionCoordinator {
  #node: number | undefined;

  constructor(
    private readonly cluster: Cluster,
    readonly transactionalId: string,
    private readonly requestTimeoutMs: number,
  ) {}

  async #connection(): Promise<BrokerConnection> {
    if (this.#node === undefined) {
      const any = await this.cluster.anyConnection();
      const answer = await any.call<FindAnswer>(FIND_COORDINATOR, FindCoordinatorKeyTypes.TRANSACTION, [
        this.transactionalId,
      ]);
      const found = answer.coordinators[0];
      if (found?.errorCode !== 0 || found.nodeId < 0) {
        throw new OutboundError("BROKER_UNAVAILABLE", "transaction coordinator not found yet", {
          transport: "kafka",
          kind: "retriable",
          brokerCode: "COORDINATOR_NOT_AVAILABLE",
        });
      }
      // The coordinator may be a broker this producer has not seen in metadata yet.
      if (!this.cluster.hasBroker(found.nodeId)) await this.cluster.refresh([]);
      this.#node = found.nodeId;
    }
    return this.cluster.connectionTo(this.#node);
  }

  /**
   * Calls one of the client's APIs on the coordinator. `args` gets the version chosen, since
   * argument lists differ between versions.
   */
  async call<T>(choices: ApiChoices, args: (version: number) => unknown[], what: string): Promise<T> {
    const deadline = performance.now() + this.requestTimeoutMs;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      let failure: unknown;
      try {
        const connection = await this.#connection();
        const version = connection.choose(choices)?.version ?? choices[0]!.version;
        return await connection.call<T>(choices, ...args(version));
      } catch (error) {
        failure = error;
      }
      const name =
        protocolErrorOf(failure)?.apiId ??
        (failure instanceof OutboundError ? failure.brokerCode : undefined);
      const retry =
        name !== undefined
          ? COORDINATOR_RETRY.has(name)
          : failure instanceof OutboundError
            ? failure.retriable
            : true;
      if (name === "NOT_COORDINATOR" || name === "COORDINATOR_NOT_AVAILABLE" || name === undefined)
        this.#node = undefined;
      if (!retry || performance.now() + wait > deadline)
        throw toKafkaOutboundError(failure, "transaction", what);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
