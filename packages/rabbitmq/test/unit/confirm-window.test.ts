import { describe, expect, it } from "vitest";
import { ConfirmWindow } from "../../src/confirm-window.js";

describe("ConfirmWindow", () => {
  it("admits up to its size, then makes the next acquire wait for a release", async () => {
    const window = new ConfirmWindow(2);
    const signal = new AbortController().signal;
    await window.acquire(signal);
    await window.acquire(signal);
    let third = false;
    const waiting = window.acquire(signal).then(() => {
      third = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(false);
    window.release();
    await waiting;
    expect(third).toBe(true);
    expect(window.outstanding).toBe(2);
    expect(window.peak).toBe(2);
  });

  it("rejects a waiting acquire with a retriable TIMEOUT when its signal aborts, and forgets it", async () => {
    const window = new ConfirmWindow(1);
    await window.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = window.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "TIMEOUT", kind: "retriable" });
    window.release();
    expect(window.outstanding).toBe(0);
    await window.acquire(new AbortController().signal);
    expect(window.outstanding).toBe(1);
  });

  it("takes a free slot synchronously, and refuses when full or when someone is already waiting", async () => {
    const window = new ConfirmWindow(2);
    const signal = new AbortController().signal;
    expect(window.tryAcquire()).toBe(true);
    expect(window.tryAcquire()).toBe(true);
    expect(window.tryAcquire()).toBe(false);
    expect(window.outstanding).toBe(2);
    const waiting = window.acquire(signal);
    window.release();
    // The freed slot is the waiter's, not the next synchronous caller's.
    expect(window.tryAcquire()).toBe(false);
    await waiting;
    expect(window.outstanding).toBe(2);
    expect(window.peak).toBe(2);
  });
});
