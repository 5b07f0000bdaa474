/**
 * Runs requests concurrently, except that a request starts only after every earlier request
 * sharing a FIFO message group with it has settled. Standard-queue requests have no groups and
 * all run at once. `run` must not reject: it records its own failures.
 */
export async function runInGroupOrder<R>(
  requests: readonly R[],
  groupsOf: (request: R) => ReadonlySet<string>,
  run: (request: R) => Promise<void>,
): Promise<void> {
  const latestPerGroup = new Map<string, Promise<void>>();
  const all: Promise<void>[] = [];
  for (const request of requests) {
    const groups = groupsOf(request);
    const before: Promise<void>[] = [];
    for (const group of groups) {
      const previous = latestPerGroup.get(group);
      if (previous) before.push(previous);
    }
    const started = before.length === 0 ? run(request) : Promise.all(before).then(() => run(request));
    for (const group of groups) latestPerGroup.set(group, started);
    all.push(started);
  }
  await Promise.all(all);
}
