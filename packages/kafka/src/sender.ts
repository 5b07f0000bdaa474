import { type Logger, OutboundError } from "@outbound/core";
import { type BackoffPolicy, backoffDelay } from "@outbound/core/transport";
import { toKafkaAcks } from "@outbound/kafka-common";
import { protocolErrorsCodesById, ResponseError } from "@platformatic/kafka";
import { verdictFor } from "./answer-rules.js";
import type { BrokerConnection } from "./broker-connection.js";
import type { Cluster } from "./cluster.js";
import type { KafkaCodec } from "./compression.js";
import { brokerError, toKafkaOutboundError } from "./errors.js";
import { toRecordResults } from "./mapping.js";
import { PartitionState } from "./partition-state.js";
import type { ProduceBatch } from "./produce-batch.js";
import {
  encodeProduceRequest,
  isFlexible,
  type PartitionAnswer,
  PRODUCE_VERSIONS,
  partitionAnswers,
  produceResponseParser,
} from "./produce-request.js";
import type { ProducerIdManager } from "./producer-id.js";

const PRODUCE_API_KEY = 0;

export interface SenderOptions {
  idempotent: boolean;
  /** Set for a transactional producer: its Produce requests name it. */
  transactionalId: string | undefined;
  /** Produce requests in flight per broker connection (Java's max.in.flight.requests.per.connection). */
  maxInFlightPerConnection: number;
  codec: KafkaCodec | undefined;
  /** Longest wait for one Produce answer; the connection is closed after it, as Java does. */
  requestTimeoutMs: number;
  /** Backoff between retries when the engine passes none. */
  retry: BackoffPolicy;
  logger: Logger;
}

/** A Produce request on the wire. */
interface WireRequest {
  node: number;
  connection: BrokerConnection;
  batches: ProduceBatch[];
  timer: ReturnType<typeof setTimeout> | undefined;
  answered: boolean;
}

/**
 * Java's Sender, for one producer: it routes batches to their partition leaders, puts every
 * ready partition's batch for a broker into one Produce request, keeps up to
 * `maxInFlightPerConnection` requests in flight per broker, and settles each batch from the
 * answer. Failed batches are resent as they are, in sequence order, until their delivery
 * deadline; the idempotent producer's sequence state follows the Java client's rules (see
 * answer-rules.ts and partition-state.ts).
 */
export class Sender {
  readonly #partitions = new Map<string, PartitionState[]>();
  /** Partitions with batches waiting to be sent or on the wire. */
  readonly #busy = new Set<PartitionState>();
  readonly #inFlight = new Map<number, number>();
  readonly #requests = new Set<WireRequest>();
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  #identityFailure: { error: OutboundError; retryAt: number } | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly ids: ProducerIdManager | undefined,
    private readonly options: SenderOptions,
  ) {
    cluster.onChange = () => this.schedule();
  }

  /** Takes a batch from the engine (or a transaction); it settles through its own settlement. */
  enqueue(batch: ProduceBatch): void {
    if (this.#closed) {
      batch.fail(new OutboundError("CLOSED", "transport is closed", { transport: "kafka" }));
      return;
    }
    const state = this.#partition(batch.topic, batch.partition);
    state.queue.push(batch);
    this.#busy.add(state);
    this.cluster.refreshIfStale(batch.topic);
    this.schedule();
  }

  /** Runs a sending pass after the current burst of calls. */
  schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(this.#run);
  }

  #partition(topic: string, partition: number): PartitionState {
    let byIndex = this.#partitions.get(topic);
    if (!byIndex) {
      byIndex = [];
      this.#partitions.set(topic, byIndex);
    }
    let state = byIndex[partition];
    if (!state) {
      state = new PartitionState(topic, partition);
      byIndex[partition] = state;
    }
    return state;
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    if (this.#closed) return;
    const now = performance.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const wake = (at: number) => {
      if (at < wakeAt) wakeAt = at;
    };

    for (const state of this.#busy) {
      for (let i = 0; i < state.queue.length; i++) {
        const batch = state.queue[i]!;
        if (now >= batch.deadline) {
          this.#expire(state, batch, undefined);
          i--;
        } else wake(batch.deadline);
      }
      for (const batch of state.sequenced)
        if (batch.onWire && !batch.done) {
          if (now >= batch.deadline) this.#expire(state, batch, undefined);
          else wake(batch.deadline);
        }
    }

    if (!this.#identityReady(now, wake)) {
      this.#arm(wakeAt);
      return;
    }
    this.#maybeBumpEpoch();

    const byNode = new Map<number, PartitionState[]>();
    for (const state of this.#busy) {
      if (state.queue.length === 0) {
        if (state.onWire === 0 && state.sequenced.length === 0) this.#busy.delete(state);
        continue;
      }
      const head = state.queue[0]!;
      if (head.retryAt > now) {
        wake(head.retryAt);
        continue;
      }
      const leader = this.cluster.leaderOf(state.topic, state.partition);
      if (leader === undefined) {
        const refused = this.#topicRefused(state.topic);
        if (refused) for (const batch of [...state.queue]) this.#fail(state, batch, refused);
        else this.cluster.requestRefresh(state.topic);
        continue;
      }
      let list = byNode.get(leader);
      if (!list) {
        list = [];
        byNode.set(leader, list);
      }
      list.push(state);
    }
    for (const [node, states] of byNode) {
      const connection = this.cluster.readyConnection(node);
      if (!connection) {
        const failure = this.cluster.connectFailure(node);
        if (failure) {
          const error = toKafkaOutboundError(failure.error, "connect", `connecting to broker ${node}`);
          for (const state of states)
            for (const batch of state.queue) if (!batch.written) batch.lastError = error;
          wake(failure.retryAt);
        }
        continue;
      }
      this.#sendTo(node, connection, states, now);
    }
    this.#arm(wakeAt);
  };

  /** The terminal error the metadata gave for `topic` (an invalid name, no authorization), if any. */
  #topicRefused(topic: string): OutboundError | undefined {
    const code = this.cluster.topic(topic)?.errorCode;
    if (!code) return undefined;
    const name = protocolErrorsCodesById[code as keyof typeof protocolErrorsCodesById] ?? `ERROR_${code}`;
    const error = brokerError(name, null, `metadata for topic "${topic}"`);
    return error.kind === "terminal" ? error : undefined;
  }

  /** With an idempotent producer, whether it has a producer id; starts getting one if not. */
  #identityReady(now: number, wake: (at: number) => void): boolean {
    const ids = this.ids;
    if (!ids || ids.current) return true;
    if (this.#identityFailure && now < this.#identityFailure.retryAt) {
      for (const state of this.#busy)
        for (const batch of state.queue) batch.lastError ??= this.#identityFailure.error;
      wake(this.#identityFailure.retryAt);
      return false;
    }
    ids.ensure().then(
      () => {
        this.#identityFailure = undefined;
        this.schedule();
      },
      (error: unknown) => {
        const e = toKafkaOutboundError(error, "connect", "obtaining a producer id");
        this.options.logger.warn({ error: e.message }, "kafka producer id not obtained; retrying");
        this.#identityFailure = { error: e, retryAt: performance.now() + 200 };
        this.schedule();
      },
    );
    return false;
  }

  /**
   * Decides unresolved sequences of partitions with nothing on the wire, and moves partitions
   * whose sequence state is off to a new epoch (a local bump for an idempotent producer, as in
   * KIP-360). Other partitions adopt the new epoch once they have nothing unfinished.
   */
  #maybeBumpEpoch(): void {
    const ids = this.ids;
    if (!ids || !this.options.idempotent) return;
    const bumping: PartitionState[] = [];
    for (const state of this.#busy) {
      state.resolve();
      if (state.needsEpochBump && state.onWire === 0) bumping.push(state);
    }
    if (bumping.length === 0) return;
    if (this.options.transactionalId !== undefined) {
      // A transactional producer cannot bump on its own: the transaction must abort first, and
      // the abort asks the coordinator for the next epoch.
      const error = new OutboundError(
        "PROTOCOL_ERROR",
        "the broker's sequence state for a partition is lost; the transaction must abort",
        { transport: "kafka", kind: "terminal", brokerCode: "OUT_OF_ORDER_SEQUENCE_NUMBER" },
      );
      for (const state of bumping) {
        state.needsEpochBump = false;
        state.unresolvedUntil = undefined;
        for (const batch of [...state.queue]) this.#fail(state, batch, error);
      }
      ids.bumpAfterAbort = true;
      return;
    }
    const next = ids.bump();
    if (!next) return; // the id is dropped; the next pass obtains a new one
    for (const state of bumping) state.restamp(next);
  }

  /** Whether the partition's head batch may go out now. */
  #mayGo(state: PartitionState, batch: ProduceBatch): boolean {
    if (!this.options.idempotent) return state.onWire < this.options.maxInFlightPerConnection;
    // A batch being resent goes only as the earliest unfinished one of its partition, so retries
    // reach the broker in sequence order.
    if (batch.sequenced) return state.isFirstUnfinished(batch);
    if (state.unresolvedUntil !== undefined || state.needsEpochBump) return false;
    if (state.onWire >= this.options.maxInFlightPerConnection) return false;
    return state.canAdopt(this.ids!.current!);
  }

  #sendTo(node: number, connection: BrokerConnection, states: PartitionState[], now: number): void {
    const version = connection.version(PRODUCE_API_KEY, PRODUCE_VERSIONS.min, PRODUCE_VERSIONS.max);
    if (version === undefined) {
      const error = new OutboundError(
        "UNSUPPORTED_FEATURE",
        "the broker speaks no Produce version from 3 to 11",
        {
          transport: "kafka",
        },
      );
      for (const state of states) for (const batch of [...state.queue]) this.#fail(state, batch, error);
      return;
    }
    while ((this.#inFlight.get(node) ?? 0) < this.options.maxInFlightPerConnection) {
      const batches: ProduceBatch[] = [];
      let acks: ProduceBatch["acks"] | undefined;
      for (const state of states) {
        const head = state.queue[0];
        if (!head || head.retryAt > now || !this.#mayGo(state, head)) continue;
        if (acks !== undefined && head.acks !== acks) continue;
        acks = head.acks;
        state.queue.shift();
        if (this.options.idempotent && !head.sequenced) state.assign(head, this.ids!.current!);
        batches.push(head);
      }
      if (batches.length === 0) return;
      this.#write(node, connection, version, acks!, batches);
    }
  }

  #write(
    node: number,
    connection: BrokerConnection,
    version: number,
    acks: ProduceBatch["acks"],
    batches: ProduceBatch[],
  ): void {
    const payloads = [];
    const kept: ProduceBatch[] = [];
    for (const batch of batches) {
      const state = this.#partition(batch.topic, batch.partition);
      try {
        payloads.push({
          topic: batch.topic,
          partition: batch.partition,
          records: batch.encode(this.options.codec),
        });
        kept.push(batch);
      } catch (error) {
        // Compression failing is a property of the bytes, not the broker: this batch only.
        const e = toKafkaOutboundError(
          error,
          "connect",
          `encoding the batch for ${batch.topic}[${batch.partition}]`,
        );
        this.#fail(
          state,
          batch,
          new OutboundError("SERIALIZATION_FAILED", e.message, { transport: "kafka", cause: error }),
        );
      }
    }
    if (kept.length === 0) return;
    const timeoutMs = Math.max(
      1,
      Math.min(
        this.options.requestTimeoutMs,
        ...kept.map((b) => b.context?.requestTimeoutMs ?? this.options.requestTimeoutMs),
      ),
    );
    const writer = encodeProduceRequest(
      version,
      this.options.transactionalId,
      toKafkaAcks(acks),
      timeoutMs,
      payloads,
    );
    const request: WireRequest = { node, connection, batches: kept, timer: undefined, answered: false };
    for (const batch of kept) {
      const state = this.#partition(batch.topic, batch.partition);
      batch.onWire = true;
      batch.written = true;
      batch.attempts++;
      state.onWire++;
    }
    this.#inFlight.set(node, (this.#inFlight.get(node) ?? 0) + 1);
    this.#requests.add(request);
    if (acks !== "none") {
      // No answer in time: close the connection, as the Java client does. Every request on it
      // then fails, and each batch is resent with its sequence numbers on a new connection.
      request.timer = setTimeout(() => connection.destroy(), timeoutMs);
    }
    connection.send(
      PRODUCE_API_KEY,
      version,
      writer,
      produceResponseParser(version),
      isFlexible(version),
      (error, response) => this.#answered(request, error, response),
    );
  }

  #answered(request: WireRequest, error: Error | null, response: unknown): void {
    if (request.answered) return;
    request.answered = true;
    clearTimeout(request.timer);
    this.#requests.delete(request);
    this.#inFlight.set(request.node, (this.#inFlight.get(request.node) ?? 1) - 1);
    const now = performance.now();
    const batches = request.batches;
    for (const batch of batches) {
      const state = this.#partition(batch.topic, batch.partition);
      batch.onWire = false;
      state.onWire--;
    }

    const answer =
      error instanceof ResponseError && error.response ? error.response : error ? undefined : response;
    if (batches[0]!.acks === "none") {
      if (error) this.#requestFailed(request, error, now);
      else for (const batch of batches) this.#succeeded(batch, undefined);
    } else if (answer === undefined || answer === null || typeof answer !== "object") {
      this.#requestFailed(request, error ?? new Error("empty produce response"), now);
    } else {
      const byPartition = new Map<string, PartitionAnswer>();
      for (const a of partitionAnswers(answer as Parameters<typeof partitionAnswers>[0])) {
        byPartition.set(`${a.partition}\u0000${a.topic}`, a);
      }
      for (const batch of batches) {
        const a = byPartition.get(`${batch.partition}\u0000${batch.topic}`);
        if (!a) {
          const missing = new OutboundError(
            "PROTOCOL_ERROR",
            `the produce response has no answer for ${batch.topic}[${batch.partition}]`,
            { transport: "kafka", kind: "unknown-outcome" },
          );
          this.#retryOrFail(batch, missing, now);
        } else if (a.errorCode === 0) this.#succeeded(batch, a);
        else this.#brokerRefused(batch, a, now);
      }
    }
    this.schedule();
  }

  /** The request as a whole failed (connection lost, timed out): every batch's outcome is unknown. */
  #requestFailed(request: WireRequest, error: unknown, now: number): void {
    const e = toKafkaOutboundError(error, "produce", `producing to broker ${request.node}`);
    request.connection.destroy();
    for (const batch of request.batches) {
      this.cluster.requestRefresh(batch.topic);
      this.#retryOrFail(batch, e, now);
    }
  }

  #succeeded(batch: ProduceBatch, answer: PartitionAnswer | undefined): void {
    const state = this.#partition(batch.topic, batch.partition);
    state.acknowledged(batch);
    if (batch.done) return;
    batch.settle(toRecordResults(batch.records, batch.partition, batch.acks !== "none", answer));
  }

  #brokerRefused(batch: ProduceBatch, answer: PartitionAnswer, now: number): void {
    const state = this.#partition(batch.topic, batch.partition);
    const name =
      protocolErrorsCodesById[answer.errorCode as keyof typeof protocolErrorsCodesById] ??
      `ERROR_${answer.errorCode}`;
    if (name === "DUPLICATE_SEQUENCE_NUMBER") {
      // Older brokers' way of saying "already stored": a success without coordinates.
      this.#succeeded(batch, undefined);
      return;
    }
    const error = brokerError(name, answer.errorMessage, `producing to ${batch.topic}[${batch.partition}]`);
    const verdict = verdictFor(name, error.kind, batch, state, this.options.idempotent);
    if (verdict.refreshMetadata) this.cluster.requestRefresh(batch.topic);
    if (verdict.bumpEpoch) state.needsEpochBump = true;
    if (verdict.action === "split") {
      this.#split(state, batch);
      return;
    }
    if (verdict.action === "fail") {
      this.#fail(state, batch, error);
      return;
    }
    this.#retryOrFail(batch, error, now);
  }

  /** Replaces a batch the broker found too large by its two halves, sent again at once. */
  #split(state: PartitionState, batch: ProduceBatch): void {
    state.forget(batch);
    const [first, second] = batch.split();
    if (batch.done) return;
    if (first.sequenced) {
      state.sequenced.push(first, second);
      state.sortSequenced();
      state.requeue(second);
      state.requeue(first);
    } else {
      state.queue.unshift(first, second);
    }
  }

  /** Resends `batch` after backoff, or fails it when the backoff would pass its deadline. */
  #retryOrFail(batch: ProduceBatch, error: OutboundError, now: number): void {
    const state = this.#partition(batch.topic, batch.partition);
    // Once any attempt may have stored the records, the verdict stays "may be stored".
    if (!(batch.lastError?.kind === "unknown-outcome" && error.kind !== "unknown-outcome"))
      batch.lastError = error;
    if (batch.done) {
      // Expired while on the wire: the engine has its answer; only the sequence bookkeeping remains.
      state.forget(batch);
      return;
    }
    const policy = batch.context?.retry ?? this.options.retry;
    const delay = backoffDelay(policy, batch.attempts);
    if (now + delay >= batch.deadline) {
      this.#expire(state, batch, error);
      return;
    }
    batch.retryAt = now + delay;
    batch.context?.retrying?.(error, delay);
    this.options.logger.debug(
      {
        topic: batch.topic,
        partition: batch.partition,
        attempt: batch.attempts + 1,
        delayMs: delay,
        error: error.message,
      },
      "kafka batch will be resent",
    );
    if (batch.sequenced) state.requeue(batch);
    else state.queue.unshift(batch);
  }

  /** Fails a batch for good; its sequence numbers are given up. */
  #fail(state: PartitionState, batch: ProduceBatch, error: OutboundError): void {
    const index = state.queue.indexOf(batch);
    if (index >= 0) state.queue.splice(index, 1);
    if (batch.sequenced) {
      state.forget(batch);
      // The broker did not store it. If nothing was sequenced after it, its numbers can be used
      // again; otherwise later batches will meet a gap, and a new epoch closes it.
      const next = batch.baseSequence + batch.records.length;
      if (state.nextSequence === next) state.nextSequence = batch.baseSequence;
      else if (batch.written && error.kind !== "unknown-outcome") state.needsEpochBump = true;
      else if (batch.written) state.markUnresolved(batch);
    }
    batch.fail(error);
  }

  /**
   * The delivery deadline passed. Records that may have been written fail as unknown-outcome,
   * and their sequence range stays unresolved until later answers tell whether it was stored.
   */
  #expire(state: PartitionState, batch: ProduceBatch, cause: OutboundError | undefined): void {
    if (batch.done) return;
    const last = cause ?? batch.lastError;
    const mayBeStored =
      batch.written && (batch.onWire || last === undefined || last.kind === "unknown-outcome");
    const error = new OutboundError(
      last && !mayBeStored ? last.code : "TIMEOUT",
      `not acknowledged within the delivery deadline after ${batch.attempts} attempt(s)${
        mayBeStored ? "; the broker may hold the records" : ""
      }${last ? `; last error: ${last.reason}` : ""}`,
      {
        transport: "kafka",
        kind: mayBeStored ? "unknown-outcome" : "retriable",
        cause: last,
        ...(last?.brokerCode ? { brokerCode: last.brokerCode } : {}),
        details: { attempts: batch.attempts },
      },
    );
    if (batch.onWire) {
      if (batch.sequenced) state.markUnresolved(batch);
      batch.fail(error);
      return;
    }
    const index = state.queue.indexOf(batch);
    if (index >= 0) state.queue.splice(index, 1);
    if (batch.sequenced) {
      state.forget(batch);
      if (batch.written) state.markUnresolved(batch);
    }
    batch.fail(error);
  }

  #arm(at: number): void {
    if (at === Number.POSITIVE_INFINITY) return;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.schedule();
      },
      Math.max(0, Math.ceil(at - performance.now())),
    );
  }

  /** Whether nothing is queued or on the wire. */
  get idle(): boolean {
    return this.#busy.size === 0 && this.#requests.size === 0;
  }

  /** Fails every batch still unsettled; closes nothing else. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const request of this.#requests) clearTimeout(request.timer);
    for (const state of this.#busy) {
      for (const batch of [...state.queue, ...state.sequenced]) {
        if (batch.done) continue;
        const mayBeStored = batch.written;
        batch.fail(
          new OutboundError(
            "CLOSED",
            `transport closed ${mayBeStored ? "while the batch was in flight" : "before the batch was sent"}`,
            {
              transport: "kafka",
              kind: mayBeStored ? "unknown-outcome" : "retriable",
            },
          ),
        );
      }
    }
    this.#busy.clear();
  }
}
