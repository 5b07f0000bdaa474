import type { OutboundError } from "@outbound/core";
import type { ConfirmChannel, Message } from "amqplib";
import { classifyChannelLoss, nackedError, returnedError } from "./errors.js";
import { type AmqpPublish, PUBLISH_ID_HEADER } from "./mapping.js";

/**
 * Receives the outcome of the publishes it handed to a {@link PublisherChannel}. One sink serves a
 * whole batch, so a publish costs no closure or promise of its own: `index` says which record.
 */
export interface PublishSink {
  /** Called exactly once per publish: `error` is undefined when the broker confirmed it. */
  settle(index: number, error: OutboundError | undefined): void;
}

interface PendingPublish {
  exchange: string;
  bytes: number;
  /** Set by a `basic.return`, which RabbitMQ sends before the ack of the same publish. */
  returned: OutboundError | undefined;
  sink: PublishSink;
  index: number;
}

/** amqplib's confirm `ack`/`nack` event payload. */
interface ConfirmFields {
  deliveryTag: number;
  multiple: boolean;
}

/** Settled entries at the front of the table are dropped in one splice once there are this many. */
const COMPACT_AFTER = 1024;

/**
 * One confirm channel and every publish on it still waiting for the broker's answer.
 *
 * The table is indexed by delivery tag: RabbitMQ numbers the publishes on a confirm channel 1, 2, 3…
 * and acks or nacks by that number, so a publish needs no map key and amqplib no per-publish confirm
 * callback (which it has dropped when a channel closed: amqplib#191). This class listens to the
 * channel's `ack`/`nack` events itself and settles every entry still pending on `close`, whatever
 * amqplib does. Each publish also carries its delivery tag in a header, because a `basic.return`
 * names no delivery tag and must fail exactly the publish it returns.
 */
export class PublisherChannel {
  /** `pending[i]` is the publish with delivery tag `firstTag + i`; settled ones are `undefined`. */
  private pending: Array<PendingPublish | undefined> = [];
  private head = 0;
  private firstTag = 1;
  private unsettled = 0;
  private closeError: unknown;
  private isClosed = false;
  private bufferFull = false;
  private drainWaiters: Array<() => void> = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(private readonly channel: ConfirmChannel) {
    channel.on("return", (message: Message) => this.onReturn(message));
    channel.on("ack", (fields: ConfirmFields) => this.onConfirm(fields, false));
    channel.on("nack", (fields: ConfirmFields) => this.onConfirm(fields, true));
    // A server-side channel.close arrives as 'error' then 'close'; keep the reason for the settle.
    channel.on("error", (error: unknown) => {
      this.closeError = error;
    });
    channel.on("close", () => this.onClose());
    channel.on("drain", () => {
      this.bufferFull = false;
      this.wakeDrainWaiters();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** True after a publish filled the socket's write buffer, until it drains. */
  get full(): boolean {
    return this.bufferFull;
  }

  /** The server's reason for closing the channel, if it gave one. */
  get error(): unknown {
    return this.closeError;
  }

  get outstanding(): number {
    return this.unsettled;
  }

  /** Runs once when the channel has closed and every pending publish has been settled. */
  onClosed(listener: () => void): void {
    if (this.isClosed) listener();
    else this.closeListeners.push(listener);
  }

  /**
   * Writes one publish; `sink.settle(index, …)` runs exactly once, with the broker's ack, nack or
   * return, or with the channel's loss. Afterwards {@link full} says whether to wait for
   * {@link writable} before the next publish. Throws, having settled nothing, when amqplib refuses
   * the publish synchronously (channel already closed, header table over 64 KiB).
   */
  publish(publish: AmqpPublish, sink: PublishSink, index: number): void {
    const tag = this.firstTag + this.pending.length;
    publish.options.headers[PUBLISH_ID_HEADER] = tag;
    // Registered first: nothing may answer a publish that the table does not know yet.
    this.pending.push({
      exchange: publish.exchange,
      bytes: publish.content.byteLength,
      returned: undefined,
      sink,
      index,
    });
    this.unsettled += 1;
    let hasRoom: boolean;
    try {
      // No callback: confirms are matched by delivery tag in onConfirm.
      hasRoom = this.channel.publish(publish.exchange, publish.routingKey, publish.content, publish.options);
    } catch (error) {
      // Nothing went out, so the broker did not number it either: the tag is free again.
      this.pending.pop();
      this.unsettled -= 1;
      throw error;
    }
    if (!hasRoom) this.bufferFull = true;
  }

  /** Resolves when the write buffer has drained or the channel is gone. */
  writable(signal: AbortSignal): Promise<void> {
    if (this.isClosed || signal.aborted || !this.bufferFull) return Promise.resolve();
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

  private onConfirm({ deliveryTag, multiple }: ConfirmFields, nacked: boolean): void {
    const pending = this.pending;
    const last = deliveryTag - this.firstTag;
    if (last < this.head || last >= pending.length) return;
    if (multiple) {
      for (let i = this.head; i <= last; i++) this.finish(i, nacked);
      this.head = last + 1;
    } else {
      this.finish(last, nacked);
      while (this.head < pending.length && pending[this.head] === undefined) this.head += 1;
    }
    this.compact();
  }

  private finish(i: number, nacked: boolean): void {
    const entry = this.pending[i];
    if (entry === undefined) return;
    this.pending[i] = undefined;
    this.unsettled -= 1;
    // A returned publish is acked too (it was handled: routed nowhere); the return is what counts.
    entry.sink.settle(entry.index, entry.returned ?? (nacked ? nackedError() : undefined));
  }

  private compact(): void {
    const pending = this.pending;
    if (this.head === pending.length) {
      this.firstTag += this.head;
      this.head = 0;
      pending.length = 0;
    } else if (this.head >= COMPACT_AFTER) {
      pending.splice(0, this.head);
      this.firstTag += this.head;
      this.head = 0;
    }
  }

  private onReturn(message: Message): void {
    const id = Number(message.properties.headers?.[PUBLISH_ID_HEADER]);
    const i = id - this.firstTag;
    const entry = Number.isInteger(i) && i >= this.head ? this.pending[i] : undefined;
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
    const entries = this.pending;
    const from = this.head;
    this.pending = [];
    this.head = 0;
    this.unsettled = 0;
    for (let i = from; i < entries.length; i++) {
      const entry = entries[i];
      if (entry === undefined) continue;
      entry.sink.settle(entry.index, entry.returned ?? classifyChannelLoss(this.closeError, entry));
    }
    this.wakeDrainWaiters();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private wakeDrainWaiters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}
