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
  // Starts with the empty chunk, where requests of empty values and no keys are "copied".
  private readonly chunks: Uint8Array[] = [this.chunk];
  private used = 0;

  /**
   * Makes room for `bytes` contiguous bytes in the chunk numbered {@link currentId} and returns
   * where they start in it.
   */
  reserve(bytes: number): number {
    if (this.used + bytes > this.chunk.byteLength) {
      // A request larger than a chunk gets a chunk of its own; the old chunk's tail stays unused.
      this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, bytes));
      this.chunks.push(this.chunk);
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

  /** The number of the chunk the last {@link reserve} made room in. */
  get currentId(): number {
    return this.chunks.length - 1;
  }

  /** A copy of the bytes from `start` to `end` of chunk `id`. */
  slice(id: number, start: number, end: number): Uint8Array {
    return (this.chunks[id] as Uint8Array).slice(start, end);
  }
}
