import type { TrialSpec } from "../types.js";
import type { Payloads } from "../workload.js";

/**
 * One way of producing messages: Outbound over a transport, or a raw client used the way its docs
 * suggest. A load mode drives it; the driver knows nothing about timing.
 */
export interface Driver {
  connect(): Promise<void>;
  /** Sends message `i` and resolves once the broker acknowledged it. */
  sendOne(i: number): Promise<void>;
  /**
   * The same through a callback (`done(undefined)` once acknowledged, `done(error)` otherwise),
   * for clients that have one: the open loop then keeps no promise per message, which under
   * overload is most of what the harness itself allocates. Absent: the open loop wraps `sendOne`.
   */
  produceOne?(i: number, done: (error: unknown) => void): void;
  /**
   * The hand-batched path: messages `i .. i+count-1` in one client call, resolved when all are
   * acknowledged. Absent when the client has no such path; `max` mode then keeps single sends in flight.
   */
  sendBatch?(i: number, count: number): Promise<void>;
  /** Whether `max` mode should use `sendBatch` (the raw windowed baselines) rather than `sendOne`. */
  readonly batched: boolean;
  /**
   * In `max` mode, keep `inFlightRequests` single sends in flight instead of `window`: for raw
   * request-per-message clients compared at the same request concurrency (SQS `SendMessage`).
   */
  readonly requestConcurrency?: boolean;
  /** In `max` mode with `batched`, this many `sendBatch` callers instead of `inFlightRequests`. */
  readonly batchCallers?: number;
  close(): Promise<void>;
  /** Facts for the report, e.g. effective client settings. */
  notes?(): string[];
}

export interface DriverContext {
  spec: TrialSpec;
  payloads: Payloads;
}

export type DriverFactory = (ctx: DriverContext) => Driver | Promise<Driver>;
