import { OVERLOAD_BUFFER_BYTES } from "../plan.js";
import type { GroupSummary, Verdict } from "./summary.js";

/** Goodput under overload as a share of the unloaded max (issue 17). */
export const OVERLOAD_GOODPUT_SHARE = 0.8;
/** RSS growth allowed beyond the buffer bound (issue 17). */
export const OVERLOAD_RSS_SLACK_BYTES = 64 * 2 ** 20;

const MiB = 2 ** 20;
const fmt = (v: number): string => Math.round(v).toLocaleString("en");

/**
 * The overload target, per overload group and Outbound target: goodput (acknowledged per second
 * over the issuing window and the drain) at least 0.8x Outbound's unloaded max from the same run,
 * and RSS growth within the buffer bound + 64 MiB. The sends the issuer could not make are
 * reported beside it, and so is the harness alone at the same rate, so a miss can be told apart
 * from the harness falling over.
 */
export function overloadVerdicts(groups: GroupSummary[]): Verdict[] {
  const out: Verdict[] = [];
  const boundMiB = (OVERLOAD_BUFFER_BYTES + OVERLOAD_RSS_SLACK_BYTES) / MiB;
  for (const g of groups.filter((x) => x.kind === "overload")) {
    const max = groups
      .find(
        (m) =>
          m.transport === g.transport &&
          m.kind === "max" &&
          m.workload === g.workload &&
          m.targets.some((t) => t.driver === "outbound"),
      )
      ?.targets.find((t) => t.driver === "outbound");
    const harness = g.targets.find((t) => t.driver === "harness-only");
    const factor = max && g.rate ? g.rate / max.msgPerSec : undefined;
    const alone = harness
      ? `; harness alone: RSS +${(harness.rssGrowthMiB ?? 0).toFixed(1)} MiB, ${fmt(harness.notOffered ?? 0)} not offered`
      : "";
    for (const t of g.targets.filter((x) => x.driver === "outbound")) {
      const share = max && max.msgPerSec > 0 ? t.msgPerSec / max.msgPerSec : undefined;
      const rss = t.rssGrowthMiB;
      out.push({
        id: "P7",
        text: `${g.transport}: ${t.label}: goodput >= ${OVERLOAD_GOODPUT_SHARE}x unloaded max, RSS growth <= buffer (${OVERLOAD_BUFFER_BYTES / MiB} MiB) + ${OVERLOAD_RSS_SLACK_BYTES / MiB} MiB`,
        measured:
          t.okRounds === 0
            ? `no result: ${t.errors[0] ?? "failed"}`
            : `goodput ${fmt(t.msgPerSec)} msg/s = ${share === undefined ? "?" : share.toFixed(2)}x of ${max ? fmt(max.msgPerSec) : "?"} (offered ${factor === undefined ? "?" : factor.toFixed(1)}x); RSS +${rss === undefined ? "?" : rss.toFixed(1)} MiB; ${fmt(t.offered ?? 0)} offered, ${fmt(t.notOffered ?? 0)} not offered, ${fmt(t.rejected ?? 0)} rejected${alone}`,
        met:
          t.okRounds === 0 || share === undefined || rss === undefined
            ? undefined
            : share >= OVERLOAD_GOODPUT_SHARE && rss <= boundMiB,
      });
    }
  }
  return out;
}
