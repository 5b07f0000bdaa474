import {
  type Capabilities,
  createProducer,
  type Producer,
  type ProducerConfig,
  type Transport,
} from "@outbound/core";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { TransportContractOptions } from "./options.js";
import type { Probe, ProbedMessage } from "./probe.js";

/** What every contract test works with. Also handed to `additionalTests`. */
export interface ContractContext {
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly readTimeoutMs: number;
  readonly settleMs: number;
  /** The suite's probe; available inside tests and hooks. */
  probe(): Probe;
  /** A fresh destination for the calling test, created through the probe. */
  topic(options?: { partitions?: number; fifo?: boolean }): Promise<string>;
  /** The suite's `unresponsive` option: a transport aimed at a server that never answers. */
  readonly unresponsive?: TransportContractOptions["unresponsive"];
  /**
   * A producer over a fresh transport (or `transport`, when given), with the suite's
   * `producerConfig` and then `overrides`. Closed after the test.
   */
  producer(overrides?: Omit<ProducerConfig, "transport" | "url">, transport?: Transport): Promise<Producer>;
  /** Reads up to `count` messages, waiting up to the read timeout for them. */
  read(topic: string, count: number, timeoutMs?: number): Promise<ProbedMessage[]>;
  /**
   * Reads for `settleMs`, asking for one more than `expected`, so a test can assert that
   * exactly the expected messages arrived and nothing else.
   */
  readSettled(topic: string, expected: number): Promise<ProbedMessage[]>;
  /** Runs after the test, before its producers are closed (release a stalled broker, say). */
  onCleanup(fn: () => unknown): void;
}

/** Builds the context and registers the hooks that give each test a clean slate. */
export function createContractContext(
  options: TransportContractOptions,
  capabilities: Capabilities,
): ContractContext {
  // Topics from different runs against a long-lived broker must not collide.
  const runId = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  let probe: Probe | undefined;
  const producers: Producer[] = [];
  const cleanups: (() => unknown)[] = [];
  const readTimeoutMs = options.readTimeoutMs ?? 15_000;
  const settleMs = options.settleMs ?? 3_000;

  const currentProbe = (): Probe => {
    if (!probe) throw new Error("the contract probe is used before the suite's beforeAll ran");
    return probe;
  };

  beforeAll(async () => {
    probe = await options.probe();
  });
  afterAll(async () => {
    await probe?.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await Promise.all(producers.splice(0).map((p) => p.close({ timeoutMs: 2_000 }).catch(() => undefined)));
  });

  return {
    name: options.name,
    capabilities,
    readTimeoutMs,
    settleMs,
    probe: currentProbe,
    async topic(topicOptions = {}) {
      const fifo = topicOptions.fifo ?? false;
      const base = `ct-${runId}-${++counter}`;
      const name = options.topicName ? options.topicName(base, { fifo }) : base;
      const partitions = topicOptions.partitions ?? (capabilities.partitioned ? 3 : 1);
      await currentProbe().createTopic(name, { partitions, fifo });
      return name;
    },
    ...(options.unresponsive ? { unresponsive: options.unresponsive } : {}),
    async producer(overrides = {}, given) {
      const transport = given ?? (await options.transport());
      const producer = createProducer({ ...options.producerConfig, ...overrides, transport });
      producers.push(producer);
      return producer;
    },
    read(topic, count, timeoutMs = readTimeoutMs) {
      return currentProbe().read(topic, { count, timeoutMs });
    },
    readSettled(topic, expected) {
      return currentProbe().read(topic, { count: expected + 1, timeoutMs: settleMs });
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
  };
}
