/** Bytes per chunk: about 10,000 values of 100 B, so small messages share an allocation. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Append-only byte storage for a topic's stored keys and values. Copying each value into its own
 * `Uint8Array` cost an ArrayBuffer (a backing store the GC tracks and sweeps) per message; here
 * records of a request are copied next to each other into a shared chunk, and a chunk is only
 * freed with the topic's messages (`clear`).
 */
export class ByteArena {
  private chunk = new Uint8Array(0);
  private used = 0;

  /** Makes room for `bytes` contiguous bytes and returns where they start in {@link current}. */
  reserve(bytes: number): number {
    if (this.used + bytes > this.chunk.byteLength) {
      // A request larger than a chunk gets a chunk of its own; the old chunk's tail stays unused.
      this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, bytes));
      this.used = 0;
    }
    const start = this.used;
    this.used += bytes;
    return start;
  }

  /** The chunk the last {@link reserve} made room in. */
  get current(): Uint8Array {
    return this.chunk;
  }
}
