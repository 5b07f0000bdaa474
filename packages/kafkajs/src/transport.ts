import {
  type Capabilities,
  ConnectOnce,
  type Logger,
  OutboundError,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  silentLogger,
  type Transport,
} from "@outbound/core";
import { ClosedState, type TransportSettings, transportErrors } from "@outbound/core/transport";
import { describeKafkaOptions } from "@outbound/kafka-common";
import kafkajs, {
  type Admin,
  type Kafka,
  type Producer,
  type RecordMetadata,
  type SASLOptions,
} from "kafkajs";
import { kafkajsCapabilities } from "./capabilities.js";
import { ensureCodec, toKafkaCompression } from "./compression.js";
import type { ResolvedKafkajsOptions } from "./config.js";
import { isTooLarge, toKafkaOutboundError } from "./errors.js";
import { kafkajsLogCreator } from "./logging.js";
import { toKafkaAcks, toKafkaMessage, toRecordResults } from "./mapping.js";
import { explicitPartitioner, isPartitionMissing } from "./partition-guard.js";
import { KafkajsTransaction } from "./transaction.js";

const { Kafka: KafkaClient, logLevel } = kafkajs;

/** How long `partitions()` waits for a topic the broker is still creating. */
const TOPIC_READY_TIMEOUT_MS = 10_000;

function toSasl(options: ResolvedKafkajsOptions): SASLOptions | undefined {
  const sasl = options.sasl;
  if (!sasl) return undefined;
  if (sasl.mechanism === "oauthbearer") {
    // kafkajs calls the provider for each new connection, so an expiring token is fetched again.
    return { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: await sasl.token() }) };
  }
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The Kafka transport, on kafkajs. kafkajs's own retries are off: the engine retries with its
 * backoff and delivery timeout, and a retry inside kafkajs would hide attempts from it.
 */
export class KafkajsTransport implements Transport {
  readonly name = "kafkajs";
  readonly capabilities: Capabilities;
  // Private fields keep credentials out of util.inspect and JSON.stringify of the transport.
  readonly #options: ResolvedKafkajsOptions;
  readonly #logger: Logger;
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #connection = new ConnectOnce(() => this.#doConnect());
  readonly #errors = transportErrors("kafkajs");
  readonly #state = new ClosedState(this.#errors);
  /** Rejecters of sends still waiting, so `close()` never leaves one pending. */
  readonly #pending = new Set<(error: OutboundError) => void>();

  constructor(options: ResolvedKafkajsOptions, settings: TransportSettings = {}) {
    const logger = settings.logger ?? silentLogger;
    this.#options = options;
    this.#logger = logger;
    this.capabilities = kafkajsCapabilities(options);
    this.#kafka = new KafkaClient({
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: toSasl(options),
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      authenticationTimeout: options.authenticationTimeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.WARN,
      logCreator: kafkajsLogCreator(logger),
      ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    });
    this.#producer = this.#kafka.producer({
      createPartitioner: explicitPartitioner,
      // kafkajs refuses an idempotent producer without retries. Its retries then resend with the
      // same sequence numbers, which is what makes a resend safe; the engine still bounds time.
      retry:
        options.idempotent || options.transactionalId
          ? { retries: 5, initialRetryTime: 100 }
          : { retries: 0 },
      idempotent: options.idempotent || options.transactionalId !== undefined,
      ...(options.maxInFlightRequests !== undefined
        ? { maxInFlightRequests: options.maxInFlightRequests }
        : {}),
      allowAutoTopicCreation: options.allowAutoTopicCreation,
      metadataMaxAge: options.metadataMaxAgeMs,
      ...(options.transactionalId !== undefined ? { transactionalId: options.transactionalId } : {}),
    });
    this.#admin = this.#kafka.admin({ retry: { retries: 0 } });
  }

  /** The broker list and security settings, without credentials. */
  describe(): string {
    return describeKafkaOptions(this.#options, "kafkajs");
  }

  connect(): Promise<void> {
    if (this.#state.closed) return Promise.reject(this.#errors.closed());
    return this.#connection.run();
  }

  async #doConnect(): Promise<void> {
    ensureCodec(this.#options.compression);
    try {
      await this.#producer.connect();
      await this.#admin.connect();
    } catch (error) {
      await this.#disconnectQuietly();
      throw toKafkaOutboundError(error, "connect", `connecting to ${this.describe()}`);
    }
    this.#logger.debug(
      { transport: "kafkajs", brokers: this.#options.brokers },
      "kafkajs transport connected",
    );
  }

  async partitions(topic: string): Promise<number> {
    await this.connect();
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    let createRequested = false;
    for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
      try {
        const metadata = await this.#admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
        if (partitions.length > 0) return partitions.length;
      } catch (cause) {
        const error = toKafkaOutboundError(cause, "metadata", `metadata for topic "${topic}"`);
        const unknownTopic = error.brokerCode === "UNKNOWN_TOPIC_OR_PARTITION";
        const settling = error.brokerCode === "LEADER_NOT_AVAILABLE";
        if (unknownTopic && !this.#options.allowAutoTopicCreation) {
          throw new OutboundError("UNKNOWN_DESTINATION", `topic "${topic}" does not exist`, {
            transport: "kafkajs",
            cause,
            brokerCode: error.brokerCode,
          });
        }
        if (!unknownTopic && !settling) throw error;
        if (unknownTopic && !createRequested) {
          createRequested = true;
          await this.#requestAutoCreate(topic);
        }
        if (Date.now() >= deadline) {
          throw new OutboundError(
            "UNKNOWN_DESTINATION",
            unknownTopic
              ? `topic "${topic}" does not exist and the broker did not create it (auto.create.topics.enable)`
              : `topic "${topic}" has no partition leaders yet`,
            { transport: "kafkajs", cause, brokerCode: error.brokerCode },
          );
        }
      }
      await sleep(wait);
    }
  }

  /**
   * The admin client never asks the broker to create topics, the producer does: a metadata
   * request from the producer (sent by an empty produce call) lets a broker with
   * `auto.create.topics.enable` create the topic, as the Java producer does on first send.
   */
  async #requestAutoCreate(topic: string): Promise<void> {
    try {
      await this.#producer.send({ topic, messages: [] });
    } catch (error) {
      this.#logger.debug({ topic, error }, "kafka metadata request for a new topic answered with an error");
    }
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    this.#state.check();
    await this.connect();
    if (this.capabilities.acks.indexOf(batch.acks) === -1) {
      const error = new OutboundError(
        "INVALID_CONFIG",
        `acks "${batch.acks}" conflicts with the idempotent producer, which needs acks "all"`,
        { transport: "kafkajs" },
      );
      return batch.records.map(() => ({ ok: false, error }));
    }
    return this.#sendRecords(batch, batch.records, context);
  }

  /**
   * Kafka refuses a whole produce request for a partition when its batch is over the limit, so
   * one oversize record would fail its neighbours. A too-large answer for several records is
   * therefore split in halves, sent in order, until only the oversize records fail.
   */
  async #sendRecords(
    batch: RecordBatch,
    records: RecordBatch["records"],
    context: SendContext,
  ): Promise<RecordResult[]> {
    let error: OutboundError;
    try {
      const metadata = await this.#produceWithRefresh(batch, records, context);
      return toRecordResults({ ...batch, records }, metadata);
    } catch (cause) {
      error = toKafkaOutboundError(cause, "produce", `producing to ${batch.topic}[${batch.partition}]`);
    }
    if (!isTooLarge(error)) throw error;
    if (records.length === 1) return [{ ok: false, error }];

    const middle = Math.ceil(records.length / 2);
    const results: RecordResult[] = [];
    for (const half of [records.slice(0, middle), records.slice(middle)]) {
      try {
        results.push(...(await this.#sendRecords(batch, half, context)));
      } catch (cause) {
        // Part of the batch is already stored: report per record instead of rejecting, and keep
        // order by not sending what follows a failed half.
        const failure = toKafkaOutboundError(cause, "produce");
        for (let i = results.length; i < records.length; i++) results.push({ ok: false, error: failure });
        return results;
      }
    }
    return results;
  }

  async #produceWithRefresh(
    batch: RecordBatch,
    records: RecordBatch["records"],
    context: SendContext,
  ): Promise<RecordMetadata[]> {
    try {
      return await this.#produce(batch, records, context);
    } catch (error) {
      // kafkajs refreshed its metadata on the way out; the partition is likely known now.
      if (!isPartitionMissing(error)) throw error;
      return this.#produce(batch, records, context);
    }
  }

  #produce(
    batch: RecordBatch,
    records: RecordBatch["records"],
    context: SendContext,
  ): Promise<RecordMetadata[]> {
    if (context.signal.aborted) {
      return Promise.reject(
        new OutboundError("TIMEOUT", "send aborted before the request was written", {
          transport: "kafkajs",
          kind: "retriable",
        }),
      );
    }
    const request = this.#producer.send({
      topic: batch.topic,
      messages: records.map(toKafkaMessage),
      acks: toKafkaAcks(batch.acks),
      timeout: Math.max(1, Math.min(context.timeoutMs, this.#options.requestTimeoutMs)),
      compression: toKafkaCompression(this.#options.compression) as never,
    });
    return this.#bounded(request, context);
  }

  /**
   * Settles with the request, or with an unknown-outcome TIMEOUT when the engine aborts (its
   * request timeout, or close): kafkajs cannot cancel a request, so the answer may still come and
   * is dropped. The engine times the request; this only stops waiting when it says so.
   */
  #bounded<T>(request: Promise<T>, context: SendContext): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: OutboundError) => {
        cleanup();
        reject(error);
      };
      const onAbort = () =>
        fail(
          new OutboundError("TIMEOUT", "send aborted while the produce request was in flight", {
            transport: "kafkajs",
            kind: "unknown-outcome",
          }),
        );
      const cleanup = () => {
        context.signal.removeEventListener("abort", onAbort);
        this.#pending.delete(fail);
      };
      context.signal.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(fail);
      request.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(error);
        },
      );
    });
  }

  async close(): Promise<void> {
    if (!this.#state.close()) return;
    const closing = new OutboundError("CLOSED", "transport closed while the request was in flight", {
      transport: "kafkajs",
      kind: "unknown-outcome",
    });
    for (const fail of [...this.#pending]) fail(closing);
    const dialling = this.#connection.inProgress;
    if (dialling) {
      // kafkajs cannot abort a connect, and disconnect() waits for it: against a broker that
      // accepts and never answers that is the whole connect timeout. Disconnect once it ends
      // (a failed attempt has disconnected itself).
      dialling.then(
        () => this.#disconnectQuietly(),
        () => undefined,
      );
      return;
    }
    await this.#disconnectQuietly();
  }

  async #disconnectQuietly(): Promise<void> {
    await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
  }

  /**
   * Begins a Kafka transaction (needs the `transactionalId` option). One at a time per transport;
   * batches sent through the returned object are committed or aborted together.
   */
  async transaction(): Promise<KafkajsTransaction> {
    if (this.#options.transactionalId === undefined) {
      throw new OutboundError("UNSUPPORTED_FEATURE", 'transactions need the "transactionalId" option', {
        transport: "kafkajs",
      });
    }
    await this.connect();
    // The first transaction on a fresh cluster waits while the broker creates its transaction
    // state topic; kafkajs's own retries are off, so wait here, bounded.
    const deadline = Date.now() + this.#options.requestTimeoutMs;
    for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
      try {
        const transaction = await this.#producer.transaction();
        return new KafkajsTransaction(transaction, toKafkaCompression(this.#options.compression));
      } catch (cause) {
        const error = toKafkaOutboundError(cause, "connect", "beginning a transaction");
        if (!error.retriable || Date.now() + wait > deadline) throw error;
        await sleep(wait);
      }
    }
  }
}
