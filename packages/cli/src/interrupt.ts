/**
 * Ctrl-C as a request to stop: the first SIGINT (or SIGTERM) aborts the returned signal, so the
 * command stops taking input, flushes what is buffered within its deadline and reports what was
 * not delivered. A second Ctrl-C exits at once, saying how many messages were left unsettled.
 */
export function onInterrupt(
  err: NodeJS.WritableStream,
  unsettled: () => number,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      err.write(`\n${name}: stopping; flushing what is buffered (Ctrl-C again to quit now)\n`);
      controller.abort();
      return;
    }
    err.write(`${name} again: quitting with ${unsettled()} messages unsettled, their fate unknown\n`);
    process.exit(130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
