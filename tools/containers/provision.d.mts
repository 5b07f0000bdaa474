/** Types for provision.mjs (plain ESM, no build step). */

/** OUTBOUND_CONTAINER_PORT_OFFSET (0 by default), added to every host port. */
export declare function portOffset(): number;
/** The broker names OUTBOUND_BROKERS=containers runs as containers. */
export declare const containerBrokers: readonly string[];
/** The three cluster nodes: id, client host port (29192/29292/29392 + offset), container name. */
export declare const KAFKA_CLUSTER_NODES: readonly {
  readonly id: number;
  readonly port: number;
  readonly container: string;
}[];

export interface PrintOption {
  print?: (line: string) => void;
}
/** Builds the image if needed and brings one broker's containers up (reusing running ones). */
export declare function upContainerBroker(
  name: string,
  options?: PrintOption & { fresh?: boolean },
): Promise<{ seconds: number; actions: string[] }>;
/** The ensureBrokers hook: brings up what it runs as containers, returns the names left to tools/brokers. */
export declare function ensureContainerBrokers(names: string[], options?: PrintOption): Promise<string[]>;
/** Removes containers (all of ours and testcontainers leftovers when `names` is empty). */
export declare function downContainers(
  names?: string[],
  options?: PrintOption & { wipe?: boolean },
): Promise<void>;
export declare function removeContainers(name: string, options?: { wipe?: boolean }): Promise<number>;
export declare function containerStatus(): Promise<
  { name: string; state: string; broker: string; ports: string[]; memory?: string; cpu?: string }[]
>;

/** True while node `id`'s container runs (paused counts as running, like a SIGSTOPped process). */
export declare function kafkaNodeRunning(id: number): boolean;
/** Host pid of node `id`'s JVM while its container runs: drop-in for the native kafkaNodePid. */
export declare function kafkaNodePid(id: number): number | undefined;
/** `docker start`s node `id` again, data kept; synchronous like the native one; returns the pid. */
export declare function startKafkaNode(id: number): number | undefined;
/** SIGKILL/SIGTERM (resolve once exited), SIGSTOP/SIGCONT (docker pause/unpause). */
export declare function signalKafkaNode(id: number, signal: NodeJS.Signals): Promise<void>;
/** Resolves once every node is in the cluster's metadata, as seen from node `via`. */
export declare function waitForKafkaCluster(timeoutMs?: number, via?: number): Promise<void>;
