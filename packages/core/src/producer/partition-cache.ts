import { isRetried, OutboundError, toOutboundError } from "../errors/index.js";
import type { Transport } from "../transport/index.js";
import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import { type Clock, sleep } from "./clock.js";

interface Entry {
  count: number;
  fetchedAt: number;
  refreshing: boolean;
}

/**
 * Partition counts per topic. Known counts are served synchronously; a stale count is still
 * served while a refresh runs in the background, so a partition increase is picked up without
 * stalling sends.
 */
export class PartitionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<number>>();

  constructor(
    private readonly transport: Transport,
    private readonly maxAgeMs: number,
    private readonly retry: BackoffPolicy,
    private readonly clock: Clock,
  ) {}

  /** The known count, if any; `now` is the caller's reading of the clock, saving a second one per send. */
  cached(topic: string, now: number = this.clock.now()): number | undefined {
    const entry = this.entries.get(topic);
    if (!entry) return undefined;
    if (!entry.refreshing && now - entry.fetchedAt > this.maxAgeMs) this.refresh(topic, entry);
    return entry.count;
  }

  /** The count, fetching it (with retries for retriable errors until `deadline`) if unknown. */
  get(topic: string, deadline: number): Promise<number> {
    const known = this.cached(topic);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.inflight.get(topic);
    if (!pending) {
      pending = this.fetch(topic, deadline).finally(() => this.inflight.delete(topic));
      this.inflight.set(topic, pending);
    }
    return pending;
  }

  private async fetch(topic: string, deadline: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const count = await this.transport.partitions(topic);
        if (!Number.isInteger(count) || count < 1) {
          throw new OutboundError(
            "PROTOCOL_ERROR",
            `transport reported ${String(count)} partitions for ${topic}`,
            {
              transport: this.transport.name,
            },
          );
        }
        this.entries.set(topic, { count, fetchedAt: this.clock.now(), refreshing: false });
        return count;
      } catch (error) {
        const e = toOutboundError(error, "BROKER_UNAVAILABLE", {
          transport: this.transport.name,
          context: `could not look up ${topic}`,
        });
        const delay = backoffDelay(this.retry, attempt);
        if (!isRetried(e) || this.clock.now() + delay >= deadline) throw e;
        await sleep(this.clock, delay);
      }
    }
  }

  private refresh(topic: string, entry: Entry): void {
    entry.refreshing = true;
    this.transport.partitions(topic).then(
      (count) => {
        if (Number.isInteger(count) && count >= 1) entry.count = count;
        entry.fetchedAt = this.clock.now();
        entry.refreshing = false;
      },
      () => {
        // Keep serving the old count; try again at the next max age.
        entry.fetchedAt = this.clock.now();
        entry.refreshing = false;
      },
    );
  }

  /** Forgets a topic, e.g. after the broker said the destination or partition is unknown. */
  invalidate(topic: string): void {
    this.entries.delete(topic);
  }
}
