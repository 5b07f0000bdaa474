/**
 * Records named checks: each runs, its failure is kept with its message and the run goes on, so
 * one broken transport does not hide what the others show. Counters add up what was exercised.
 */
export function createChecklist(print = console.log) {
  const passed = [];
  const failed = [];
  const skipped = [];
  const counts = { tarballs: 0, apps: 0, sends: 0, readbacks: 0, typechecks: 0 };
  return {
    counts,
    async check(name, fn) {
      const started = Date.now();
      try {
        const detail = await fn();
        passed.push(name);
        print(`  ok    ${name}${detail ? `: ${detail}` : ""} (${Date.now() - started} ms)`);
      } catch (error) {
        failed.push({ name, message: error instanceof Error ? error.message : String(error) });
        print(`  FAIL  ${name}: ${error instanceof Error ? error.message : error}`);
      }
    },
    skip(name, reason) {
      skipped.push(name);
      print(`  skip  ${name}: ${reason}`);
    },
    summary() {
      return { passed: passed.length, failed, skipped: skipped.length };
    },
  };
}
