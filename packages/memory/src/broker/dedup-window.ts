/** Where the first copy of a deduplicated message was stored. */
export interface FirstCopy {
  partition: number;
  offset: string;
  storedAt: number;
}

/**
 * Remembers message ids for `windowMs`, as SQS FIFO does with `MessageDeduplicationId`: a second
 * message with the same id inside the window is acknowledged with the first copy's coordinates
 * and not stored again.
 */
export class DedupWindow {
  // Map keeps insertion order, which is also storedAt order, so expiry prunes from the front.
  private readonly seen = new Map<string, FirstCopy>();

  constructor(
    private readonly windowMs: () => number,
    private readonly now: () => number,
  ) {}

  /** The first copy of `id` if it is still inside the window. */
  lookup(id: string): FirstCopy | undefined {
    this.expire();
    return this.seen.get(id);
  }

  remember(id: string, partition: number, offset: string): void {
    if (this.windowMs() <= 0) return;
    this.seen.set(id, { partition, offset, storedAt: this.now() });
  }

  clear(): void {
    this.seen.clear();
  }

  private expire(): void {
    const window = this.windowMs();
    if (window <= 0) {
      this.seen.clear();
      return;
    }
    const oldest = this.now() - window;
    for (const [id, copy] of this.seen) {
      if (copy.storedAt > oldest) break;
      this.seen.delete(id);
    }
  }
}
