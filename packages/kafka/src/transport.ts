import type { ConnectionOptions as TlsOptions } from "node:tls";
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
import { describeKafkaOptions, type KafkaSaslOptions } from "@outbound/kafka-common";
import type { SASLOptions } from "@platformatic/kafka";
import { kafkaCapabilities } from "./capabilities.js";
import { Cluster } from "./cluster.js";
import { codecFor } from "./compression.js";
import type { ResolvedKafkaOptions } from "./config.js";
import { engineSettlement, ProduceBatch } from "./produce-batch.js";
import { ProducerIdManager } from "./producer-id.js";
import { Sender } from "./sender.js";
import { waitForPartitions } from "./topic-partitions.js";
import { KafkaTransaction } from "./transaction.js";
import { TransactionCoordinator } from "./transaction-coordinator.js";

/** Backoff between the transport's own retries when a batch comes without the engine's policy. */
const DEFAULT_RETRY = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.2 } as const;

/** The client's SASL settings; credentials stay inside the closure, never in a printable object. */
function toClientSasl(sasl: KafkaSaslOptions | undefined): SASLOptions | undefined {
  if (!sasl) return undefined;
  if (sasl.mechanism === "oauthbearer") {
    return {
      mechanism: "OAUTHBEARER",
      token: () => sasl.token(),
      ...(sasl.extensions ? { oauthBearerExtensions: sasl.extensions } : {}),
    };
  }
  const mechanism =
    sasl.mechanism === "plain"
      ? "PLAIN"
      : sasl.mechanism === "scram-sha-256"
        ? "SCRAM-SHA-256"
        : "SCRAM-SHA-512";
  return { mechanism, username: sasl.username, password: sasl.password };
}

function toTls(ssl: ResolvedKafkaOptions["ssl"]): TlsOptions | undefined {
  if (!ssl) return undefined;
  return ssl === true ? {} : ssl;
}

function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * The Kafka transport, on @platformatic/kafka's protocol layer (connections, TLS, SASL, API
 * encoding, codecs). The producing itself is Outbound's, modelled on the Java client: the
 * engine's partitioner and accumulator choose and fill the batches, and the sender sends each
 * broker's ready batches in one Produce request, up to five in flight, and resends a failed batch
 * as it was, with its producer id, epoch and sequence, until the delivery deadline.
 */
export class KafkaTransport implements Transport {
  readonly name = "kafka";
  readonly capabilities: Capabilities;
  // Private fields keep credentials out of util.inspect and JSON.stringify of the transport.
  readonly #options: ResolvedKafkaOptions;
  readonly #logger: Logger;
  readonly #cluster: Cluster;
  readonly #ids: ProducerIdManager | undefined;
  readonly #coordinator: TransactionCoordinator | undefined;
  readonly #sender: Sender;
  readonly #connection = new ConnectOnce(() => this.#doConnect());
  readonly #errors = transportErrors("kafka");
  readonly #state = new ClosedState(this.#errors);
  #transaction: KafkaTransaction | undefined;

  constructor(options: ResolvedKafkaOptions, settings: TransportSettings = {}) {
    const logger = settings.logger ?? silentLogger;
    this.#options = options;
    this.#logger = logger;
    this.capabilities = kafkaCapabilities(options);
    this.#cluster = new Cluster({
      bootstrap: options.brokers.map(parseAddress),
      settings: {
        clientId: options.clientId,
        connectTimeoutMs: options.connectionTimeoutMs + (options.sasl ? options.authenticationTimeoutMs : 0),
        requestTimeoutMs: options.requestTimeoutMs,
        tls: toTls(options.ssl),
        sasl: toClientSasl(options.sasl),
      },
      allowAutoTopicCreation: options.allowAutoTopicCreation,
      metadataMaxAgeMs: options.metadataMaxAgeMs,
      ...(options.brokerAddress ? { brokerAddress: options.brokerAddress } : {}),
      logger,
    });
    if (options.transactionalId !== undefined) {
      this.#coordinator = new TransactionCoordinator(
        this.#cluster,
        options.transactionalId,
        options.requestTimeoutMs,
      );
      this.#ids = new ProducerIdManager(this.#cluster, logger, options.requestTimeoutMs, {
        coordinator: this.#coordinator,
        timeoutMs: options.transactionTimeoutMs,
      });
    } else if (options.idempotent) {
      this.#ids = new ProducerIdManager(this.#cluster, logger, options.requestTimeoutMs);
    }
    this.#sender = new Sender(this.#cluster, this.#ids, {
      idempotent: options.idempotent,
      transactionalId: options.transactionalId,
      maxInFlightPerConnection: options.maxInFlightRequests,
      codec: codecFor(options.compression),
      requestTimeoutMs: options.requestTimeoutMs,
      retry: DEFAULT_RETRY,
      logger,
    });
  }

  /** The broker list and security settings, without credentials. */
  describe(): string {
    return describeKafkaOptions(this.#options);
  }

  connect(): Promise<void> {
    if (this.#state.closed) return Promise.reject(this.#errors.closed());
    return this.#connection.run();
  }

  async #doConnect(): Promise<void> {
    await this.#cluster.connect();
    // The producer id is asked for now, so a broker refusing idempotence fails connect(), not a send.
    await this.#ids?.ensure();
    this.#logger.debug({ transport: "kafka", brokers: this.#options.brokers }, "kafka transport connected");
  }

  async partitions(topic: string): Promise<number> {
    await this.connect();
    return waitForPartitions(this.#cluster, topic, this.#options.allowAutoTopicCreation);
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    this.#state.check();
    await this.connect();
    if (this.capabilities.acks.indexOf(batch.acks) === -1) {
      const error = new OutboundError(
        "INVALID_CONFIG",
        `acks "${batch.acks}" conflicts with the idempotent producer, which needs acks "all" (set kafka.idempotent: false for acks "${batch.acks}")`,
        { transport: "kafka" },
      );
      return batch.records.map(() => ({ ok: false, error }));
    }
    if (this.#options.transactionalId !== undefined) {
      const error = new OutboundError(
        "INVALID_CONFIG",
        "a producer with a transactionalId sends only inside producer.transaction(); use another producer for other messages",
        { transport: "kafka" },
      );
      return batch.records.map(() => ({ ok: false, error }));
    }
    return this.#produce(batch, context, false);
  }

  #produce(
    batch: RecordBatch,
    context: SendContext | undefined,
    transactional: boolean,
  ): Promise<RecordResult[]> {
    const timeoutMs = context?.timeoutMs ?? this.#options.requestTimeoutMs;
    return new Promise<RecordResult[]>((resolve) => {
      this.#sender.enqueue(
        new ProduceBatch(
          batch.topic,
          batch.partition,
          batch.acks,
          batch.records,
          performance.now() + timeoutMs,
          context,
          transactional,
          engineSettlement(resolve),
        ),
      );
    });
  }

  /**
   * Begins a Kafka transaction (needs the `transactionalId` option). One at a time per transport;
   * batches sent through the returned object are committed or aborted together.
   */
  async transaction(): Promise<KafkaTransaction> {
    if (this.#options.transactionalId === undefined || !this.#coordinator || !this.#ids) {
      throw new OutboundError("UNSUPPORTED_FEATURE", 'transactions need the "transactionalId" option', {
        transport: "kafka",
      });
    }
    if (this.#transaction?.isActive()) {
      throw new OutboundError("UNSUPPORTED_FEATURE", "one transaction at a time per transport", {
        transport: "kafka",
      });
    }
    await this.connect();
    await this.#ids.ensure();
    const transaction = new KafkaTransaction(
      this.#coordinator,
      this.#ids,
      (batch, context) => this.#produce(batch, context, true),
      () => {
        if (this.#transaction === transaction) this.#transaction = undefined;
      },
    );
    this.#transaction = transaction;
    return transaction;
  }

  async close(): Promise<void> {
    if (!this.#state.close()) return;
    this.#sender.close();
    await this.#cluster.close();
  }
}
