import { OutboundError } from "@outbound/core";
import { expect } from "vitest";

/** The error a promise rejects with, asserted to be an `OutboundError`; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<OutboundError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(OutboundError);
  return outcome as OutboundError;
}
