import { type Logger, OutboundError } from "@outbound/core";
import { metadataV9, metadataV10, metadataV11, metadataV12, ResponseError } from "@platformatic/kafka";
import { type BrokerAddress, BrokerConnection, type ConnectionSettings } from "./broker-connection.js";
import { toKafkaOutboundError } from "./errors.js";

/** Metadata versions this transport reads: v9 (flexible, Kafka 2.4) and newer. */
const METADATA = [metadataV12.api, metadataV11.api, metadataV10.api, metadataV9.api] as const;

/** Where one partition lives now. */
export interface PartitionLeader {
  /** Node id of the leader, -1 while none is elected. */
  leader: number;
  leaderEpoch: number;
  /** The broker's error for this partition in the last metadata answer, 0 when none. */
  errorCode: number;
}

export interface TopicMetadata {
  name: string;
  /** Indexed by partition number. */
  partitions: PartitionLeader[];
  /** 0 when the topic answered without error. */
  errorCode: number;
  fetchedAt: number;
}

interface MetadataAnswer {
  brokers: { nodeId: number; host: string; port: number }[];
  topics: {
    errorCode: number;
    name: string;
    partitions: { errorCode: number; partitionIndex: number; leaderId: number; leaderEpoch: number }[];
  }[];
}

export interface ClusterOptions {
  bootstrap: BrokerAddress[];
  settings: ConnectionSettings;
  allowAutoTopicCreation: boolean;
  metadataMaxAgeMs: number;
  /** Maps an advertised broker address to the one to dial (an SSH tunnel, a proxy). */
  brokerAddress?: (broker: { nodeId: number; host: string; port: number }) => BrokerAddress;
  logger: Logger;
}

/** Shortest pause between two metadata refreshes asked for by errors, like Java's retry.backoff. */
const REFRESH_BACKOFF_MS = 100;

/**
 * The cluster as the producer sees it: one connection per broker, the brokers' addresses, and
 * which broker leads each partition. Metadata is fetched on demand and when an answer says it is
 * stale (a leader moved); concurrent refreshes share one request.
 */
export class Cluster {
  readonly #options: ClusterOptions;
  readonly #brokers = new Map<number, BrokerAddress>();
  readonly #topics = new Map<string, TopicMetadata>();
  readonly #connections = new Map<number, Promise<BrokerConnection>>();
  readonly #ready = new Map<number, BrokerConnection>();
  readonly #connectFailures = new Map<number, { error: unknown; retryAt: number; backoffMs: number }>();
  #bootstrap: Promise<BrokerConnection> | undefined;
  #refreshing: Promise<void> | undefined;
  #refreshTopics = new Set<string>();
  #lastRefresh = 0;
  #closed = false;
  /** Aborted by close(), so connections still dialling give up at once. */
  readonly #closing = new AbortController();
  /** Called when a refresh changed leaders, so waiting batches can be routed again. */
  onChange: () => void = () => {};

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  /** Opens a first connection and reads the broker list. Rejects with a classified error. */
  async connect(): Promise<void> {
    await this.#refresh([]);
  }

  topic(name: string): TopicMetadata | undefined {
    return this.#topics.get(name);
  }

  hasBroker(nodeId: number): boolean {
    return this.#brokers.has(nodeId);
  }

  /** Node id leading `topic`[`partition`], or undefined while it is not known. */
  leaderOf(topic: string, partition: number): number | undefined {
    const leader = this.#topics.get(topic)?.partitions[partition]?.leader;
    return leader === undefined || leader < 0 || !this.#brokers.has(leader) ? undefined : leader;
  }

  /** Fetches metadata for `topics` now (or joins a refresh under way that covers them). */
  async refresh(topics: readonly string[]): Promise<void> {
    await this.#refresh(topics);
  }

  /**
   * Asks for fresh metadata of `topic` soon: a leader moved or is unknown. Several requests in
   * a short time share one Metadata request.
   */
  requestRefresh(topic: string): void {
    this.#refreshTopics.add(topic);
    if (this.#refreshing || this.#closed) return;
    const wait = Math.max(0, this.#lastRefresh + REFRESH_BACKOFF_MS - performance.now());
    const timer = setTimeout(() => {
      const topics = [...this.#refreshTopics];
      this.#refreshTopics.clear();
      this.#refresh(topics).catch((error: unknown) => {
        this.#options.logger.debug(
          { topics, error: String(error) },
          "kafka metadata refresh failed; retrying",
        );
        for (const t of topics) this.#refreshTopics.add(t);
        if (!this.#closed) setTimeout(() => this.requestRefresh(topics[0]!), REFRESH_BACKOFF_MS).unref();
      });
    }, wait);
    timer.unref();
  }

  /** Refreshes the metadata of every topic known so far. */
  #refreshAll(): void {
    const topics = [...this.#topics.keys()];
    if (topics.length > 0) for (const topic of topics) this.requestRefresh(topic);
  }

  /** Refreshes topics whose metadata is older than `metadataMaxAgeMs`, in the background. */
  refreshIfStale(topic: string): void {
    const entry = this.#topics.get(topic);
    if (entry && performance.now() - entry.fetchedAt > this.#options.metadataMaxAgeMs)
      this.requestRefresh(topic);
  }

  #refresh(topics: readonly string[]): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    const run = async () => {
      try {
        await this.#fetch(topics);
      } finally {
        this.#lastRefresh = performance.now();
      }
    };
    // One refresh at a time; a second caller waits for it and then runs its own if it needs topics
    // the first did not cover.
    const previous = this.#refreshing ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    const tracked = next.finally(() => {
      if (this.#refreshing === tracked) this.#refreshing = undefined;
    });
    this.#refreshing = tracked;
    tracked.catch(() => undefined);
    return next;
  }

  async #fetch(topics: readonly string[]): Promise<void> {
    const connection = await this.anyConnection();
    let answer: MetadataAnswer;
    try {
      answer = await connection.call<MetadataAnswer>(
        METADATA,
        topics,
        this.#options.allowAutoTopicCreation,
        false,
      );
    } catch (error) {
      // Topic-level errors (unknown topic, no leader yet) come as a ResponseError carrying the answer.
      if (!(error instanceof ResponseError) || !error.response) {
        connection.destroy();
        throw toKafkaOutboundError(error, "metadata", "fetching cluster metadata");
      }
      answer = error.response as MetadataAnswer;
    }
    this.#apply(answer);
  }

  #apply(answer: MetadataAnswer): void {
    let changed = false;
    const seen = new Set<number>();
    for (const broker of answer.brokers) {
      seen.add(broker.nodeId);
      const known = this.#brokers.get(broker.nodeId);
      const address = this.#options.brokerAddress?.(broker) ?? { host: broker.host, port: broker.port };
      if (!known || known.host !== address.host || known.port !== address.port) {
        this.#brokers.set(broker.nodeId, address);
        // A broker that moved gets a new connection.
        this.#dropConnection(broker.nodeId);
        changed = true;
      }
    }
    for (const nodeId of [...this.#brokers.keys()]) {
      if (!seen.has(nodeId)) {
        this.#brokers.delete(nodeId);
        this.#dropConnection(nodeId);
        changed = true;
      }
    }
    const now = performance.now();
    for (const topic of answer.topics) {
      const partitions: PartitionLeader[] = [];
      for (const p of topic.partitions) {
        partitions[p.partitionIndex] = {
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          errorCode: p.errorCode,
        };
      }
      const before = this.#topics.get(topic.name);
      if (
        !before ||
        before.partitions.length !== partitions.length ||
        before.partitions.some((p, i) => p.leader !== partitions[i]?.leader)
      ) {
        changed = true;
      }
      this.#topics.set(topic.name, {
        name: topic.name,
        partitions,
        errorCode: topic.errorCode,
        fetchedAt: now,
      });
    }
    if (changed) this.onChange();
  }

  /**
   * The open connection to broker `nodeId`, or undefined while there is none; then it starts
   * opening one (at most one attempt per backoff period after a failure) and calls `onChange`
   * once it is open. The last failure is kept for error messages.
   */
  readyConnection(nodeId: number): BrokerConnection | undefined {
    const ready = this.#ready.get(nodeId);
    if (ready && !ready.closed) return ready;
    if (this.#connections.has(nodeId)) return undefined;
    const failed = this.#connectFailures.get(nodeId);
    if (failed && performance.now() < failed.retryAt) return undefined;
    this.connectionTo(nodeId).then(
      () => this.onChange(),
      () => undefined,
    );
    return undefined;
  }

  /** Why the last connection attempt to `nodeId` failed, and when the next may start. */
  connectFailure(nodeId: number): { error: unknown; retryAt: number } | undefined {
    return this.#connectFailures.get(nodeId);
  }

  /** A connection to the broker with `nodeId`, opened on first use and again after it closed. */
  connectionTo(nodeId: number): Promise<BrokerConnection> {
    const existing = this.#connections.get(nodeId);
    if (existing) return existing;
    const address = this.#brokers.get(nodeId);
    if (!address) return Promise.reject(new Error(`broker ${nodeId} is not in the cluster metadata`));
    const opening = BrokerConnection.open(address, nodeId, this.#options.settings, this.#closing.signal).then(
      (connection) => {
        this.#connectFailures.delete(nodeId);
        this.#ready.set(nodeId, connection);
        connection.onClose(() => {
          if (this.#connections.get(nodeId) === opening) this.#connections.delete(nodeId);
          if (this.#ready.get(nodeId) === connection) this.#ready.delete(nodeId);
        });
        if (this.#closed) connection.destroy();
        return connection;
      },
      (error: unknown) => {
        if (this.#connections.get(nodeId) === opening) this.#connections.delete(nodeId);
        const previous = this.#connectFailures.get(nodeId);
        const backoff = Math.min(1000, previous ? previous.backoffMs * 2 : REFRESH_BACKOFF_MS);
        this.#connectFailures.set(nodeId, {
          error,
          retryAt: performance.now() + backoff,
          backoffMs: backoff,
        });
        // The broker may be gone and its partitions led elsewhere now.
        this.#refreshAll();
        const timer = setTimeout(() => this.onChange(), backoff);
        timer.unref();
        throw error;
      },
    );
    opening.catch(() => undefined);
    this.#connections.set(nodeId, opening);
    return opening;
  }

  /** The connection for cluster-wide requests (metadata, producer ids): any broker will do. */
  async anyConnection(): Promise<BrokerConnection> {
    for (const [nodeId, opening] of this.#connections) {
      const connection = await opening.catch(() => undefined);
      if (connection && !connection.closed && this.#brokers.has(nodeId)) return connection;
    }
    const bootstrap = await this.#bootstrapConnection();
    return bootstrap;
  }

  #bootstrapConnection(): Promise<BrokerConnection> {
    if (this.#bootstrap) {
      const current = this.#bootstrap;
      return current.then(
        (c) => (c.closed ? this.#openBootstrap() : c),
        () => this.#openBootstrap(),
      );
    }
    return this.#openBootstrap();
  }

  /** Tries each known broker, then each bootstrap address, until one answers. */
  #openBootstrap(): Promise<BrokerConnection> {
    const candidates: { address: BrokerAddress; nodeId: number | undefined }[] = [
      ...[...this.#brokers].map(([nodeId, address]) => ({ address, nodeId })),
      ...this.#options.bootstrap.map((address) => ({ address, nodeId: undefined })),
    ];
    const attempt = (async () => {
      let last: unknown;
      for (const { address, nodeId } of candidates) {
        if (this.#closed) throw closedError();
        try {
          return await BrokerConnection.open(address, nodeId, this.#options.settings, this.#closing.signal);
        } catch (error) {
          last = error;
          this.#options.logger.debug(
            { broker: `${address.host}:${address.port}`, error: String(error) },
            "kafka broker did not answer",
          );
        }
      }
      throw toKafkaOutboundError(
        last,
        "connect",
        `connecting to ${this.#options.bootstrap.map((b) => `${b.host}:${b.port}`).join(",")}`,
      );
    })();
    attempt.catch(() => undefined);
    this.#bootstrap = attempt;
    return attempt;
  }

  #dropConnection(nodeId: number): void {
    this.#ready.delete(nodeId);
    const opening = this.#connections.get(nodeId);
    if (!opening) return;
    this.#connections.delete(nodeId);
    opening.then(
      (c) => c.destroy(),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    const all = [...this.#connections.values(), ...(this.#bootstrap ? [this.#bootstrap] : [])];
    this.#connections.clear();
    await Promise.all(
      all.map((opening) =>
        opening.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    );
  }
}

function closedError(): OutboundError {
  return new OutboundError("CLOSED", "transport is closed", { transport: "kafka" });
}
