/** `relay.metrics()`: counts since the relay was created, and the backlog as last read. */
export interface RelayMetrics {
  /** Claims made, empty ones included. */
  claims: number;
  /** Batches claimed that held at least one row. */
  batches: number;
  /** Sends that settled. Always `acked + failed`. */
  sent: number;
  acked: number;
  /** `retried + deadLettered + parked`. */
  failed: number;
  /** Failed sends whose row stays to be sent again. */
  retried: number;
  /** Rows moved to the dead-letter table after a terminal failure. */
  deadLettered: number;
  /** Rows parked by `strictOrder` after a terminal failure; their key waits. */
  parked: number;
  /** Rows not yet published, as last read from the table. */
  pending: number;
  /** Age of the oldest unpublished row, ms, as last read; 0 when none is pending. */
  oldestAgeMs: number;
  /** When the backlog was last read, ms since the epoch; 0 before the first read. */
  backlogReadAt: number;
  /** Errors from the database the loop survived (it waits a poll interval and goes on). */
  storeErrors: number;
  /**
   * Waiting while another relay holds the store's lease (SQLite: one relay claims per file).
   * It takes over when that relay stops, dies or stalls past the lease.
   */
  standby: boolean;
}

export function emptyRelayMetrics(): RelayMetrics {
  return {
    claims: 0,
    batches: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    parked: 0,
    pending: 0,
    oldestAgeMs: 0,
    backlogReadAt: 0,
    storeErrors: 0,
    standby: false,
  };
}
