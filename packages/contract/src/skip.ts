import { it, type TestFunction } from "vitest";

/**
 * `it` when `runs`, otherwise a skipped test whose name carries the reason, so a report shows
 * why a transport did not run it.
 */
export function itWhen(runs: boolean, reason: string): (title: string, body: TestFunction) => void {
  return (title, body) => it.skipIf(!runs)(runs ? title : `${title} [skipped: ${reason}]`, body);
}
