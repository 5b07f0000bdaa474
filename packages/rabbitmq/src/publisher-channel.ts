import type { OutboundError } from "@outbound/core";
import type { ConfirmChannel, Message } from "amqplib";
import { classifyChannelLoss, nackedError, returnedError } from "./error-mapping.js";
import { type AmqpPublish, PUBLISH_ID_HEADER } from "./mapping.js";

/** How a publish ended: confirmed, or failed with a classified error. */
export type PublishOutcome = { ok: true } | { ok: false; error: OutboundError };

interface PendingPublish {
  exchange: string;
  bytes: number;
  /** Set by a `basic.return`, which RabbitMQ sends before the ack of the same publish. */
  returned: OutboundError | undefined;
  settle(outcome: PublishOutcome): void;
}

/**
 * One confirm channel and every publish on it still waiting for the broker's answer.
 *
 * amqplib has dropped confirm callbacks when a channel closed (amqplib#191), so this class keeps
 * its own table and settles every entry itself on `close`, whatever amqplib does. Each publish
 * carries a unique id header so a `basic.return` fails exactly the publish it names.
 */
export class PublisherChannel {
  private readonly pending = new Map<string, PendingPublish>();
  private closeError: unknown;
  private isClosed = false;
  private drainWaiters: Array<() => void> = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(private readonly channel: ConfirmChannel) {
    channel.on("return", (message: Message) => this.onReturn(message));
    // A server-side channel.close arrives as 'error' then 'close'; keep the reason for the settle.
    channel.on("error", (error: unknown) => {
      this.closeError = error;
    });
    channel.on("close", () => this.onClose());
    channel.on("drain", () => this.wakeDrainWaiters());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The server's reason for closing the channel, if it gave one. */
  get error(): unknown {
    return this.closeError;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Runs once when the channel has closed and every pending publish has been settled. */
  onClosed(listener: () => void): void {
    if (this.isClosed) listener();
    else this.closeListeners.push(listener);
  }

  /**
   * Writes one publish; `settle` runs exactly once, with the broker's ack, nack or return, or with
   * the channel's loss. Returns whether the channel's write buffer still has room (false: call
   * `writable()` before the next publish). Throws, having settled nothing, when amqplib refuses the
   * publish synchronously (channel already closed, header table over 64 KiB).
   */
  publish(id: string, publish: AmqpPublish, settle: (outcome: PublishOutcome) => void): boolean {
    const entry: PendingPublish = {
      exchange: publish.exchange,
      bytes: publish.content.byteLength,
      returned: undefined,
      settle,
    };
    // Registered first: nothing may answer a publish that the table does not know yet.
    this.pending.set(id, entry);
    try {
      return this.channel.publish(
        publish.exchange,
        publish.routingKey,
        publish.content,
        publish.options,
        (error: unknown) => this.onConfirm(id, error),
      );
    } catch (error) {
      this.pending.delete(id);
      throw error;
    }
  }

  /** Resolves when the write buffer has drained or the channel is gone. */
  writable(signal: AbortSignal): Promise<void> {
    if (this.isClosed || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.drainWaiters.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    try {
      await this.channel.close();
    } catch {
      // Already closing because the connection went; onClose settles what is left.
    }
  }

  /**
   * Settles everything still pending as a lost answer and stops using the channel, for when the
   * channel's own close cannot be waited for (closing against a blocked broker).
   */
  abandon(): void {
    this.onClose();
  }

  private onConfirm(id: string, error: unknown): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.returned) entry.settle({ ok: false, error: entry.returned });
    else if (!error) entry.settle({ ok: true });
    else if (isNack(error)) entry.settle({ ok: false, error: nackedError() });
    // amqplib >= 1.0.5 fails the callbacks with "channel closed" when the channel goes: that is a
    // lost answer, not a refusal, so it is classified like the channel's own close.
    else entry.settle({ ok: false, error: classifyChannelLoss(this.closeError, entry) });
  }

  private onReturn(message: Message): void {
    const id = message.properties.headers?.[PUBLISH_ID_HEADER];
    const entry = typeof id === "string" || Buffer.isBuffer(id) ? this.pending.get(String(id)) : undefined;
    if (!entry) return;
    const { replyCode, replyText, exchange, routingKey } = message.fields as unknown as {
      replyCode: number;
      replyText: string;
      exchange: string;
      routingKey: string;
    };
    entry.returned = returnedError(replyCode, replyText, exchange, routingKey);
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      const error = entry.returned ?? classifyChannelLoss(this.closeError, entry);
      entry.settle({ ok: false, error });
    }
    this.wakeDrainWaiters();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private wakeDrainWaiters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}

/** amqplib fails a confirm callback with exactly this message on `basic.nack`. */
function isNack(error: unknown): boolean {
  return error instanceof Error && error.message === "message nacked";
}
