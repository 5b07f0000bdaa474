import type { TransportErrors } from "./transport-errors.js";

/**
 * A transport's open/closed flag. Once `close()` has begun, every call is answered with `CLOSED`
 * (the engine stops calling a transport it closes, but an application holding the transport
 * directly may not), and `close()` itself runs its shutdown only once.
 */
export class ClosedState {
  #closed = false;

  constructor(private readonly errors: TransportErrors) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the transport closed. True the first time, so the caller runs its shutdown once. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  /** Throws `CLOSED` once closed. */
  check(): void {
    if (this.#closed) throw this.errors.closed();
  }
}
