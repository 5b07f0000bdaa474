import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` until it resolves, `timeoutMs` passes, or `stillRunning()` turns false (a broker that
 * died while starting will never become healthy, so waiting out the full timeout would only hide it).
 * @returns {Promise<void>} rejects with the last check error
 */
export async function waitUntilHealthy(check, { timeoutMs, intervalMs = 1000, stillRunning = () => true }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
    }
    if (!stillRunning()) {
      throw new Error(`the process exited while starting (last health check: ${describe(lastError)})`);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `not healthy after ${Math.round(timeoutMs / 1000)} s (last health check: ${describe(lastError)})`,
      );
    }
    await sleep(intervalMs);
  }
}

function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
