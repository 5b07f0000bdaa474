import { EventEmitter } from "node:events";

/**
 * A scripted stand-in for amqplib's promise API, for `vi.mock("amqplib", ...)`: connections and
 * confirm channels that record what is written and confirm only when a test says so, so a
 * test can order writes, cuts and confirms exactly.
 */
export class FakeConfirmChannel extends EventEmitter {
  /** Every publish written on this channel, by value; the delivery tag is the position + 1. */
  readonly written: string[] = [];
  /** How many of `written` the broker confirmed (and so holds). */
  confirmed = 0;

  constructor(readonly id: number) {
    super();
  }

  publish(_exchange: string, _routingKey: string, content: Buffer): boolean {
    this.written.push(content.toString());
    return true;
  }

  /** The broker confirms everything written so far. */
  ackAll(): void {
    if (this.confirmed === this.written.length) return;
    this.confirmed = this.written.length;
    this.emit("ack", { deliveryTag: this.written.length, multiple: true });
  }

  async close(): Promise<void> {
    this.emit("close");
  }
}

export class FakeConnection extends EventEmitter {
  readonly channels: FakeConfirmChannel[] = [];

  async createConfirmChannel(): Promise<FakeConfirmChannel> {
    const channel = new FakeConfirmChannel(broker.channels.length + 1);
    this.channels.push(channel);
    broker.channels.push(channel);
    return channel;
  }

  /** The connection is cut: its channels close with it, unconfirmed writes lost. */
  cut(): void {
    for (const channel of this.channels) channel.emit("close");
    this.emit("close");
  }

  async close(): Promise<void> {
    this.cut();
  }
}

export const broker = {
  connections: [] as FakeConnection[],
  channels: [] as FakeConfirmChannel[],
  /** While set, a connect waits for it: a reconnect that takes its time. */
  gate: undefined as Promise<void> | undefined,
  /** What the queue holds, in order: every confirmed write, channel after channel. */
  stored(): string[] {
    return broker.channels.flatMap((c) => c.written.slice(0, c.confirmed));
  },
  reset(): void {
    broker.connections.length = 0;
    broker.channels.length = 0;
    broker.gate = undefined;
  },
};

export async function connect(): Promise<FakeConnection> {
  await broker.gate;
  const connection = new FakeConnection();
  broker.connections.push(connection);
  return connection;
}
