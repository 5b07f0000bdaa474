import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { OutboundError, type Producer } from "@outbound/core";
import type { OutboxRow } from "../message/outbox-message.js";
import { sleep } from "../store/sleep.js";
import type { ClaimedBatch, LeaseHolder, OutboxBacklog, OutboxStore, RowOutcome } from "../store/store.js";
import { decideFailure, type FailurePolicy } from "./decide.js";
import { keyChains } from "./key-chains.js";
import { emptyRelayMetrics, type RelayMetrics } from "./relay-metrics.js";
import { RelayTelemetry } from "./relay-telemetry.js";
import type { RelayTelemetryOptions } from "./telemetry-options.js";

export interface RelayOptions {
  /** A normal Outbound producer; the relay sends each row's bytes with `sendSerialized`. */
  producer: Pick<Producer, "sendSerialized">;
  /**
   * Rows claimed per batch; also the bound on repeats after a crash (the rows acknowledged but
   * not yet settled are never more than one batch). Default 500.
   */
  batchSize?: number;
  /**
   * Claim the next batch while the current one is being sent, so the broker's round trips and
   * the database's overlap. The next batch is only sent once the current one is settled, and it
   * leaves out the rows of keys the current one holds, so order, exclusivity and the one-batch
   * bound on repeats are those of claiming one batch at a time. For a database or broker a
   * network hop away, where a claim mostly waits; default false: measured beside the broker and
   * the database on one machine it did not help (SQLite's claim is work on the relay's own
   * thread that claiming ahead only moves; PostgreSQL's `concurrency` already overlaps batches).
   */
  prefetch?: boolean;
  /**
   * How long to wait for new rows when the table is empty. On PostgreSQL a NOTIFY ends the wait
   * early, on SQLite another connection's commit does (seen within about 2 ms through
   * `PRAGMA data_version`), so this is only the fallback. Default 250 ms on SQLite, 1000 ms on
   * PostgreSQL.
   */
  pollIntervalMs?: number;
  /**
   * Keep a key's order even past a terminal failure: the failed row is parked in the table and
   * the key's later rows wait until it is dealt with. Default false: the failed row is
   * dead-lettered and the rows behind it go on.
   */
  strictOrder?: boolean;
  /** Failed attempts after which a retriable failure is treated as terminal. Default: unbounded. */
  maxAttempts?: number;
  /** Backoff between attempts of a row whose send failed retriably: doubles from `initial` to `max`. */
  retryBackoffMs?: { initial?: number; max?: number };
  /** How often the backlog (rows pending, oldest age) is read for metrics. Default 1000 ms. */
  backlogIntervalMs?: number;
  /**
   * Batches in flight at once. Only where the store lets claims run side by side (PostgreSQL:
   * each batch is its own transaction on its own pooled connection, claimed exactly as two relays'
   * batches would be, so order and exclusivity hold). Give the pool `2 * concurrency + 1`
   * clients (each loop holds the batch it sends and the one it claims next, and LISTEN holds one).
   * Default 1; SQLite refuses more.
   */
  concurrency?: number;
  /** Called with an error the relay survived: the database's (the loop waits and goes on) or telemetry's. */
  onError?: (error: unknown) => void;
  telemetry?: RelayTelemetryOptions;
}

/** What one batch did. */
export interface BatchResult {
  claimed: number;
  acked: number;
  retried: number;
  deadLettered: number;
  parked: number;
  /** Rows left as they were: behind a failed row of their key, or the producer was closed. */
  untouched: number;
}

function emptyBatch(): BatchResult {
  return { claimed: 0, acked: 0, retried: 0, deadLettered: 0, parked: 0, untouched: 0 };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new OutboundError("INVALID_CONFIG", `${name} must be a positive number, got ${String(value)}`, {
      transport: "outbox",
      details: { field: name },
    });
  }
  return value;
}

/**
 * Publishes committed outbox rows through a producer, oldest first, and removes each row only
 * after the broker acknowledged it. The rows of one topic and key are sent one after another,
 * each after the previous one's acknowledgment, so a later row never overtakes an earlier one
 * that failed; rows of different keys are sent together.
 */
export class Relay {
  private readonly producer: Pick<Producer, "sendSerialized">;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly backlogIntervalMs: number;
  private readonly concurrency: number;
  private readonly prefetch: boolean;
  /** Seqs of this relay's batches claimed and not settled yet, which its next claims leave out. */
  private readonly held = new Set<number>();
  private readonly policy: FailurePolicy;
  private readonly counters: RelayMetrics = emptyRelayMetrics();
  private readonly telemetry: Promise<RelayTelemetry>;
  private loop: Promise<void> | undefined;
  private stopping: AbortController | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private oldestCreatedAt: number | undefined;
  /** This relay, as it names itself in the store's lease (where the store has one). */
  private readonly holder: LeaseHolder = { owner: randomUUID(), pid: process.pid, host: hostname() };
  /** Whether the lease was held at the last attempt to take or renew it. */
  private leaseHeld = false;
  private leaseAttempt: Promise<boolean> | undefined;
  private renewal: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: OutboxStore<unknown>,
    private readonly options: RelayOptions,
  ) {
    if (typeof options?.producer?.sendSerialized !== "function") {
      throw new OutboundError("INVALID_CONFIG", "the relay needs an Outbound producer", {
        transport: "outbox",
        details: { field: "producer" },
      });
    }
    this.producer = options.producer;
    this.batchSize = Math.trunc(positive("batchSize", options.batchSize, 500));
    this.prefetch = options.prefetch === true;
    this.pollIntervalMs = positive(
      "pollIntervalMs",
      options.pollIntervalMs,
      store.name === "postgres" ? 1000 : 250,
    );
    this.backlogIntervalMs = positive("backlogIntervalMs", options.backlogIntervalMs, 1000);
    this.concurrency = Math.trunc(positive("concurrency", options.concurrency, 1));
    if (this.concurrency > 1 && !store.concurrentClaims) {
      throw new OutboundError(
        "INVALID_CONFIG",
        `concurrency: the ${store.name} store runs one batch at a time, got ${this.concurrency}`,
        { transport: "outbox", details: { field: "concurrency" } },
      );
    }
    this.policy = {
      strictOrder: options.strictOrder === true,
      maxAttempts: positive("maxAttempts", options.maxAttempts, Number.POSITIVE_INFINITY),
      backoffInitialMs: positive("retryBackoffMs.initial", options.retryBackoffMs?.initial, 200),
      backoffMaxMs: positive("retryBackoffMs.max", options.retryBackoffMs?.max, 30_000),
    };
    this.telemetry = RelayTelemetry.create(
      options.telemetry,
      store.name,
      () => this.metrics(),
      (error) => this.options.onError?.(error),
    );
  }

  /** Starts the loop (`concurrency` of them) in the background. Idempotent. */
  start(): this {
    if (this.loop) return this;
    const stopping = new AbortController();
    this.stopping = stopping;
    const lease = this.store.lease;
    if (lease) {
      // Renewed on a timer, not between batches: a batch can take longer than the lease (a slow
      // broker), and the lease must not run out under it.
      this.renewal = setInterval(() => void this.holdLease().catch(() => {}), lease.durationMs / 3);
      this.renewal.unref();
    }
    const loops = Array.from({ length: this.concurrency }, () => this.run(stopping.signal));
    this.loop = Promise.all(loops).then(() => {});
    return this;
  }

  /**
   * Stops after the batch under way is settled, and gives up the store's lease so a standby
   * relay takes over at once. The producer and the store stay open.
   */
  async stop(): Promise<void> {
    this.stopping?.abort();
    clearInterval(this.renewal);
    this.renewal = undefined;
    await this.loop;
    this.loop = undefined;
    this.stopping = undefined;
    await this.releaseLease();
  }

  /**
   * Claims, publishes and settles one batch. Calls take turns; beside a started loop, each claim
   * leaves out the rows (and their keys' later rows) the other holds. Where the store has a
   * lease and another relay holds it, nothing is claimed; a relay not started gives the lease up
   * again after the batch.
   */
  runOnce(): Promise<BatchResult> {
    const next = this.busy.then(async () => {
      if (this.store.lease && !(await this.holdLease())) return emptyBatch();
      try {
        return await this.batch();
      } finally {
        if (!this.loop) await this.releaseLease();
      }
    });
    this.busy = next.catch(() => {});
    return next;
  }

  /**
   * Takes or renews the store's lease. Attempts are not run side by side (the loop and the
   * renewal timer may both ask); a failed attempt counts as not held, so no claim is made on a
   * lease that may have run out.
   */
  private holdLease(): Promise<boolean> {
    const lease = this.store.lease;
    if (!lease) return Promise.resolve(true);
    this.leaseAttempt ??= lease
      .acquire(this.holder, Date.now())
      .catch((error: unknown) => {
        this.counters.storeErrors++;
        this.options.onError?.(error);
        return false;
      })
      .then((held) => {
        this.leaseHeld = held;
        this.counters.standby = !held;
        return held;
      })
      .finally(() => {
        this.leaseAttempt = undefined;
      });
    return this.leaseAttempt;
  }

  private async releaseLease(): Promise<void> {
    const lease = this.store.lease;
    if (!lease || !this.leaseHeld) return;
    await this.leaseAttempt;
    this.leaseHeld = false;
    await lease.release(this.holder.owner).catch((error: unknown) => {
      this.counters.storeErrors++;
      this.options.onError?.(error);
    });
  }

  /** Reads the backlog now (rows pending, oldest age) and updates the metrics with it. */
  async backlog(): Promise<OutboxBacklog & { oldestAgeMs: number }> {
    const backlog = await this.store.backlog();
    this.oldestCreatedAt = backlog.oldestCreatedAt;
    this.counters.pending = backlog.pending;
    this.counters.backlogReadAt = Date.now();
    return { ...backlog, oldestAgeMs: this.ageMs() };
  }

  metrics(): RelayMetrics {
    return { ...this.counters, oldestAgeMs: this.ageMs() };
  }

  private ageMs(): number {
    return this.oldestCreatedAt === undefined ? 0 : Math.max(0, Date.now() - this.oldestCreatedAt);
  }

  /**
   * One loop: claim, send, settle, and with `prefetch` the next batch claimed during the send. It
   * waits for new rows only after a claim found none, or a batch moved no row on (its key backs
   * off, or the producer is closed), so a loop that keeps finding rows never sleeps.
   */
  private async run(signal: AbortSignal): Promise<void> {
    let next: Promise<ClaimedBatch> | undefined;
    try {
      while (!signal.aborted) {
        try {
          if (Date.now() - this.counters.backlogReadAt >= this.backlogIntervalMs) await this.backlog();
          if (this.store.lease && !this.leaseHeld && !(await this.holdLease())) {
            // A standby: another relay holds the lease. Its rows are not ours to claim.
            await sleep(this.pollIntervalMs, signal);
            continue;
          }
          const ahead = next !== undefined;
          const claimed = await (next ?? this.claim());
          next = undefined;
          if (claimed.rows.length === 0) {
            await claimed.settle([]);
            // Claimed ahead, it could not take the keys then in flight: only a claim made now
            // says whether anything is left.
            if (!ahead) await this.store.waitForRows(this.pollIntervalMs, signal);
            continue;
          }
          if (this.prefetch) {
            next = this.claim();
            // Its failure is handled where it is awaited, above; not as an unhandled rejection meanwhile.
            next.catch(() => {});
          }
          const result = await this.publish(claimed);
          if (result.acked + result.deadLettered + result.parked === 0) {
            await this.store.waitForRows(this.pollIntervalMs, signal);
          }
        } catch (error) {
          this.counters.storeErrors++;
          this.options.onError?.(error);
          await this.store.waitForRows(this.pollIntervalMs, signal);
        }
      }
    } finally {
      // A batch claimed ahead and never sent goes back as it was.
      const left = await next?.catch(() => undefined);
      await left?.settle([]).catch((error: unknown) => this.options.onError?.(error));
    }
  }

  /** A claim that leaves out this relay's unsettled rows, and counts its own as held until settled. */
  private async claim(): Promise<ClaimedBatch> {
    const claimed = await this.store.claim(this.batchSize, Date.now(), this.held, this.holder.owner);
    this.counters.claims++;
    for (const row of claimed.rows) this.held.add(row.seq);
    return {
      rows: claimed.rows,
      settle: async (outcomes) => {
        try {
          await claimed.settle(outcomes);
        } finally {
          for (const row of claimed.rows) this.held.delete(row.seq);
        }
      },
    };
  }

  private async batch(): Promise<BatchResult> {
    return this.publish(await this.claim());
  }

  /** Sends a claimed batch, key by key, and settles it. */
  private async publish(claimed: ClaimedBatch): Promise<BatchResult> {
    const result: BatchResult = { ...emptyBatch(), claimed: claimed.rows.length };
    const outcomes: RowOutcome[] = [];
    if (claimed.rows.length > 0) {
      this.counters.batches++;
      await Promise.all(keyChains(claimed.rows).map((chain) => this.sendChain(chain, outcomes)));
    }
    await claimed.settle(outcomes);
    for (const outcome of outcomes) {
      if (outcome.kind === "acked") result.acked++;
      else if (outcome.kind === "retry") result.retried++;
      else if (outcome.kind === "dead") result.deadLettered++;
      else result.parked++;
    }
    result.untouched = result.claimed - outcomes.length;
    this.countSettled(result);
    return result;
  }

  private countSettled(result: BatchResult): void {
    const failed = result.retried + result.deadLettered + result.parked;
    this.counters.acked += result.acked;
    this.counters.retried += result.retried;
    this.counters.deadLettered += result.deadLettered;
    this.counters.parked += result.parked;
    this.counters.failed += failed;
    this.counters.sent += result.acked + failed;
    void this.telemetry.then((t) => t.count(result.acked, result.deadLettered, result.retried));
  }

  /** Sends a key's rows in order, each after the previous one's acknowledgment. */
  private async sendChain(chain: readonly OutboxRow[], outcomes: RowOutcome[]): Promise<void> {
    for (const row of chain) {
      try {
        await this.producer.sendSerialized(
          {
            topic: row.topic,
            value: row.value,
            key: row.key,
            headers: row.headers,
            id: row.id,
            partition: row.partition,
            timestamp: row.timestamp,
            delayMs: row.delayMs,
          },
          { contentType: row.contentType },
        );
        outcomes.push({ seq: row.seq, kind: "acked" });
      } catch (error) {
        const outcome = decideFailure(row, error, this.policy, Date.now());
        if (outcome === undefined) return;
        outcomes.push(outcome);
        // Past a dead-lettered row its key goes on; past a retry or a parked row it waits.
        if (outcome.kind !== "dead") return;
      }
    }
  }
}
