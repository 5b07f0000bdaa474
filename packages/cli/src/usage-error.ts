/**
 * A mistake on the command line or in a value it names: printed as one line, exit status 2,
 * never a stack trace. Failures of the broker or of messages are not usage errors.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit statuses: 0 all delivered, 1 something failed, 2 the command itself was wrong, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
