import { GROUP_KINDS, type Group, type GroupKind } from "./plan.js";

export { GROUP_KINDS, type GroupKind };

/** A kind names its variants too: `outbox` is also `outbox-latency`. */
const named = (only: readonly GroupKind[], kind: GroupKind): boolean =>
  only.some((k) => kind === k || kind.startsWith(`${k}-`));

/**
 * `--only`: the groups of the given kinds. A group whose rate comes from a max-mode result
 * (open loop, overload) keeps that max group too, cut down to the one target it reads, so
 * `--only overload` measures the unloaded max and the overloads in the same run and no more.
 */
export function selectGroups(groups: readonly Group[], only: readonly GroupKind[]): Group[] {
  if (only.length === 0) return [...groups];
  const kept = groups.filter((g) => named(only, g.kind));
  const rateSources = new Set(kept.flatMap((g) => (g.rateFrom ? [g.rateFrom] : [])));
  return groups.flatMap((g): Group[] => {
    if (named(only, g.kind)) return [g];
    if (g.kind !== "max" || rateSources.size === 0) return [];
    const sameWorkload = kept.some(
      (k) =>
        k.rateFrom &&
        k.workload.size === g.workload.size &&
        k.workload.keyed === g.workload.keyed &&
        k.workload.partitions === g.workload.partitions,
    );
    // The rate is read off the first target with that driver (see main.ts), so keep that one.
    const targets = [...rateSources].flatMap((driver) => {
      const first = g.targets.find((t) => t.driver === driver);
      return first ? [first] : [];
    });
    return sameWorkload && targets.length > 0 ? [{ ...g, targets }] : [];
  });
}
