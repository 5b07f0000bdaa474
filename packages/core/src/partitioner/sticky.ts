import { OutboundError } from "../errors/index.js";

/**
 * Places keyless messages. All keyless messages for a topic go to one partition until a batch
 * for that partition is sent, then to another one, so batches fill up instead of every
 * partition getting a one-record batch (the idea of Kafka's sticky partitioner, KIP-480).
 *
 * How the engine drives it:
 * - `current(topic, partitions)` for every keyless message: the partition to append it to.
 * - `next(topic, partitions, sentPartition)` when it closes a batch (full, or its linger
 *   elapsed) for `sentPartition`: if keyless messages were sticking to that partition, they
 *   move to a different one, chosen at random. Batches for other partitions change nothing,
 *   so two batches closing at once do not make it hop twice.
 */
export interface StickyPartitioner {
  /**
   * The partition keyless messages for `topic` go to now. Picks one at random the first time,
   * and again when the partition count shrank below the one held.
   */
  current(topic: string, partitions: number): number;
  /**
   * Moves `topic` to a different partition (at random, never the same one when there are two
   * or more) and returns it. With `sentPartition`, moves only when it is the current partition.
   */
  next(topic: string, partitions: number, sentPartition?: number): number;
  /** Forgets one topic, or all; the next `current` picks afresh. */
  reset(topic?: string): void;
}

export interface StickyPartitionerOptions {
  /** Source of randomness in [0, 1); `Math.random` by default. Tests pass a fixed sequence. */
  random?: () => number;
}

/** Creates a sticky partitioner for keyless messages; one per producer. */
export function stickyPartitioner(options: StickyPartitionerOptions = {}): StickyPartitioner {
  const random = options.random ?? Math.random;
  const byTopic = new Map<string, number>();

  const pick = (below: number): number => {
    // Clamped so a random source that returns 1 (or garbage) still yields a valid index.
    const r = Math.floor(random() * below);
    return Number.isInteger(r) ? Math.min(Math.max(r, 0), below - 1) : 0;
  };

  const checkCount = (topic: string, partitions: number) => {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new OutboundError(
        "INTERNAL",
        `sticky partitioner was given ${String(partitions)} partitions for topic "${topic}"; expected a positive integer`,
        { details: { topic, partitions } },
      );
    }
  };

  const current = (topic: string, partitions: number): number => {
    checkCount(topic, partitions);
    const held = byTopic.get(topic);
    if (held !== undefined && held < partitions) return held;
    const chosen = pick(partitions);
    byTopic.set(topic, chosen);
    return chosen;
  };

  return {
    current,
    next(topic, partitions, sentPartition) {
      checkCount(topic, partitions);
      const held = byTopic.get(topic);
      if (held === undefined || held >= partitions) return current(topic, partitions);
      if (sentPartition !== undefined && sentPartition !== held) return held;
      if (partitions === 1) return held;
      // Pick among the other partitions-1 uniformly, skipping the one just filled.
      const r = pick(partitions - 1);
      const chosen = r >= held ? r + 1 : r;
      byTopic.set(topic, chosen);
      return chosen;
    },
    reset(topic) {
      if (topic === undefined) byTopic.clear();
      else byTopic.delete(topic);
    },
  };
}
