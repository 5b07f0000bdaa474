/** Why a frame could not be read. The connection turns it into an `OutboundError`. */
export type FrameErrorReason = "checksum" | "malformed" | "too-large";

/**
 * A framing problem found by the codec. Kept free of `@outbound/core` so the codec can be
 * tested and reused on its own.
 */
export class FrameError extends Error {
  override readonly name = "FrameError";
  readonly reason: FrameErrorReason;

  constructor(reason: FrameErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
