import type { Writable } from "node:stream";

/**
 * Lets the frames of a whole batch of publishes reach the socket in a few `writev` calls instead
 * of one write (and one syscall) per message.
 *
 * amqplib queues each publish on the channel's buffer and its muxer moves them to the socket in a
 * `setImmediate`, one `socket.write` per frame set. Holding the socket corked from the first
 * publish of a tick until the muxer has run lets Node flush them together. The socket only buffers
 * up to its high-water mark while corked; past it the muxer stops and waits for `drain`, so the
 * coalescer flushes, corks again for the muxer's next round and flushes after it, until the
 * muxer has nothing left.
 */
export class WriteCoalescer {
  private holding = false;

  constructor(private readonly socket: Writable) {}

  /** The socket under an amqplib channel, if amqplib exposes it the way 2.x does. */
  static forChannel(channel: object): WriteCoalescer | undefined {
    const socket = (channel as { connection?: { stream?: unknown } }).connection?.stream;
    const usable =
      typeof socket === "object" &&
      socket !== null &&
      typeof (socket as Writable).cork === "function" &&
      typeof (socket as Writable).uncork === "function" &&
      typeof (socket as Writable).once === "function";
    return usable ? new WriteCoalescer(socket as Writable) : undefined;
  }

  /** Call before each publish: the first one in a tick corks the socket until the muxer has run. */
  hold(): void {
    if (this.holding) return;
    this.holding = true;
    this.socket.cork();
    // The muxer's own setImmediate is scheduled from a nextTick after this tick's first write, so
    // it runs in the next check phase; flushing in the check phase after that comes after it.
    setImmediate(() => setImmediate(() => this.flush()));
  }

  private flush(): void {
    const socket = this.socket;
    socket.uncork();
    if (socket.writableNeedDrain && !socket.destroyed) {
      // The muxer stopped at the high-water mark and resumes on 'drain'; this listener is added
      // after the muxer's, so it runs once the muxer has written its next round into the cork.
      socket.cork();
      socket.once("drain", () => this.flush());
      return;
    }
    this.holding = false;
  }
}
