import type { OutboundError } from "@outbound/core";

/** What a SEND_RECEIPT said about a stored message (batch). */
export interface SendReceipt {
  ledgerId: string;
  entryId: string;
  /**
   * True when broker deduplication recognised the sequence ids as already stored and did not
   * store them again (the receipt then carries no message id).
   */
  duplicate: boolean;
}

/**
 * One SEND frame waiting for its receipt. The frame bytes are kept so a reconnect can write
 * them again unchanged: same producer id, same sequence ids, so broker deduplication can tell
 * a resend from a new message.
 */
export class PendingSend {
  readonly firstSequenceId: number;
  readonly lastSequenceId: number;
  readonly frame: Buffer;
  readonly count: number;
  readonly done: Promise<SendReceipt>;
  /** Set once the frame went to a socket at least once. */
  written = false;
  settled = false;
  /** How it ended, once it has; lets a retried record reuse the result instead of sending again. */
  outcome: { ok: true; receipt: SendReceipt } | { ok: false; error: OutboundError } | undefined;
  private resolveDone!: (receipt: SendReceipt) => void;
  private rejectDone!: (error: OutboundError) => void;

  constructor(firstSequenceId: number, count: number, frame: Buffer) {
    this.firstSequenceId = firstSequenceId;
    this.lastSequenceId = firstSequenceId + count - 1;
    this.count = count;
    this.frame = frame;
    this.done = new Promise<SendReceipt>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers may stop listening (an aborted send); the outcome is still tracked here.
    this.done.catch(() => {});
  }

  resolve(receipt: SendReceipt): void {
    if (this.settled) return;
    this.settled = true;
    this.outcome = { ok: true, receipt };
    this.resolveDone(receipt);
  }

  reject(error: OutboundError): void {
    if (this.settled) return;
    this.settled = true;
    this.outcome = { ok: false, error };
    this.rejectDone(error);
  }
}
