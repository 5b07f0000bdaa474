import { describe, expect, it } from "vitest";
import { ConnectOnce } from "../src/index.js";

describe("ConnectOnce", () => {
  it("runs the connect step once for callers that arrive while it runs and after it succeeded", async () => {
    let runs = 0;
    let finish!: () => void;
    const once = new ConnectOnce(() => {
      runs++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    const first = once.run();
    const second = once.run();
    expect(runs).toBe(1);
    finish();
    await Promise.all([first, second]);
    await once.run();
    expect(runs).toBe(1);
  });

  it("forgets a failure: every waiting caller sees it, and the next call tries again", async () => {
    let runs = 0;
    const once = new ConnectOnce(async () => {
      runs++;
      if (runs === 1) throw new Error("broker down");
    });
    const waiting = [once.run(), once.run()];
    for (const attempt of waiting) await expect(attempt).rejects.toThrow("broker down");
    await expect(once.run()).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });

  it("shows the attempt as in progress only until it settles, either way", async () => {
    let finish!: (ok: boolean) => void;
    const once = new ConnectOnce(
      () =>
        new Promise<void>((resolve, reject) => {
          finish = (ok) => (ok ? resolve() : reject(new Error("refused")));
        }),
    );
    expect(once.inProgress).toBeUndefined();
    const failing = once.run();
    expect(once.inProgress).toBe(failing);
    finish(false);
    await expect(failing).rejects.toThrow("refused");
    expect(once.inProgress).toBeUndefined();
    const succeeding = once.run();
    expect(once.inProgress).toBe(succeeding);
    finish(true);
    await succeeding;
    expect(once.inProgress).toBeUndefined();
  });
});
