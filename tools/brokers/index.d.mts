import type { BrokerName } from "./endpoints.mjs";

export type { BrokerEndpoints, BrokerName } from "./endpoints.mjs";
export { endpoints, isExternal, overrideVariables } from "./endpoints.mjs";

/** One broker's line in `status`. */
export interface BrokerStatus {
  name: BrokerName;
  /** "up", "up (not started by this tool)", "unhealthy", "down" or "external". */
  state: string;
  version?: string;
  ports: Record<string, number>;
  pid?: number;
  residentBytes?: number;
  healthy: boolean;
  /** Why the health check failed, when it did. */
  detail?: string;
}

export interface PrintOption {
  /** Progress lines; console.log by default. */
  print?: (line: string) => void;
}

/** Starts the brokers the caller needs unless they are up or overridden; never stops them afterwards. */
export declare function ensureBrokers(names: BrokerName[], options?: PrintOption): Promise<void>;
/** `pnpm brokers up`: all brokers when `names` is empty; `fresh` wipes their data first. */
export declare function up(names?: BrokerName[], options?: PrintOption & { fresh?: boolean }): Promise<void>;
/** `pnpm brokers fetch`: downloads into the cache without starting anything. */
export declare function fetch(names?: BrokerName[], options?: PrintOption): Promise<void>;
/** `pnpm brokers down`: stops what `up` started, by pid. */
export declare function down(names?: BrokerName[], options?: PrintOption): Promise<void>;
/** `pnpm brokers status`. */
export declare function status(names?: BrokerName[]): Promise<BrokerStatus[]>;
/** The tail of a broker's log. */
export declare function logs(name: BrokerName, lines?: number): string;
/** Directory of the Kafka jars (broker, clients, kafka-tools), for `java -cp '<dir>/*'`. */
export declare function kafkaLibDir(): string;
/** The test-only SASL user on the Kafka SASL_PLAINTEXT listener (SCRAM-SHA-256/512 and PLAIN). */
export declare const kafkaSaslUser: { readonly username: string; readonly password: string };
/** Download cache, outside the repo: OUTBOUND_CACHE_DIR or ~/.cache/outbound. */
export declare function cacheDir(): string;
/** Per-run data, logs and state: the repo's gitignored .brokers/ (or OUTBOUND_BROKERS_DIR). */
export declare function runDir(): string;

/** The three nodes of `kafka-cluster`: node id, client port, controller port. */
export declare const KAFKA_CLUSTER_NODES: readonly { id: number; port: number; controllerPort: number }[];
/** Starts node `id`'s JVM again (after a kill or a stop); returns its pid. */
export declare function startKafkaNode(id: number): number;
/** The pid of node `id` while it runs. */
export declare function kafkaNodePid(id: number): number | undefined;
/** Signals node `id`: SIGKILL, SIGTERM (resolves once it exited), SIGSTOP, SIGCONT. */
export declare function signalKafkaNode(id: number, signal: NodeJS.Signals): Promise<void>;
/** Resolves once every node is in the cluster's metadata, as seen from node `via`. */
export declare function waitForKafkaCluster(timeoutMs?: number, via?: number): Promise<void>;

/** The three nodes of `rabbitmq-cluster`: node id, Erlang node name, AMQP port. */
export declare const RABBITMQ_CLUSTER_NODES: readonly { id: number; name: string; port: number }[];
/** Runs `rabbitmqctl -n rabbit-<id>@localhost ...args`; resolves with its output. */
export declare function rabbitmqctlOn(id: number, args: string[], timeoutMs?: number): Promise<string>;
/** The Erlang VM's pid of node `id` while it runs. */
export declare function rabbitNodePid(id: number): number | undefined;
/** Starts node `id` again with its data; resolves once it answers AMQP. */
export declare function startRabbitNode(id: number): Promise<number>;
/** Signals node `id`: SIGKILL, SIGTERM (resolves once it exited), SIGSTOP, SIGCONT. */
export declare function signalRabbitNode(id: number, signal: NodeJS.Signals): Promise<void>;
/** Resolves once all three nodes run, clustered. */
export declare function waitForRabbitCluster(timeoutMs?: number): Promise<void>;
