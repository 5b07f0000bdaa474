import { NOISY_SPREAD } from "../stats.js";
import type { GroupSummary, Verdict } from "./summary.js";

const num = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v)
    ? ""
    : v.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The results as a Markdown table: readable on a terminal, and pasted as is into
 * docs/performance.md and the closing note.
 */
export function resultsTable(groups: GroupSummary[]): string {
  const header = [
    "transport",
    "workload",
    "mode",
    "client",
    "msg/s",
    "MB/s",
    "spread",
    "Outbound ÷ this",
    "CPU µs/msg",
    "peak RSS MiB",
    "loop p99 ms",
    "p50 / p99 / p99.9 ms",
    "other",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const g of groups) {
    for (const t of g.targets) {
      const ratio =
        !t.ratio || !Number.isFinite(t.ratio.median)
          ? ""
          : t.ratio.rounds < 2
            ? `${t.ratio.median.toFixed(2)}x (1 round)`
            : `${t.ratio.median.toFixed(2)}x ±${(t.ratio.spread * 50).toFixed(0)}%${t.ratio.noisy ? " noisy" : ""}`;
      const other: string[] = [];
      if (g.rate !== undefined && (g.kind === "open" || g.kind === "overload" || g.kind === "outbox-latency"))
        other.push(`offered ${num(g.rate)} msg/s`);
      if (t.notOffered) other.push(`${num(t.notOffered)} not offered (issuer out of CPU)`);
      if (t.rejected) other.push(`${num(t.rejected)} rejected`);
      if (t.unfinished) other.push(`${num(t.unfinished)} unacked after drain`);
      if (t.rssGrowthMiB !== undefined && g.kind === "overload")
        other.push(`RSS +${num(t.rssGrowthMiB, 1)} MiB`);
      if (t.bytesPerBufferedMessage !== undefined)
        other.push(`${num(t.bytesPerBufferedMessage)} B/buffered msg`);
      if (t.okRounds === 0) other.push(`FAILED: ${t.errors[0]?.split("\n")[0] ?? "no result"}`);
      else if (t.errors.length) other.push(`errors: ${t.errors[0]!.split("\n")[0]!.slice(0, 80)}`);
      const row = [
        g.transport,
        g.workload,
        g.kind,
        t.label,
        g.kind === "buffered" ? "" : num(t.msgPerSec),
        g.kind === "buffered" ? "" : num(t.mbPerSec, 2),
        t.okRounds > 1 ? `${(t.spread * 100).toFixed(0)}%${t.spread > NOISY_SPREAD ? " noisy" : ""}` : "",
        ratio,
        num(t.cpuUsPerMsg, 1),
        num(t.peakRssMiB),
        num(t.eventLoopP99Ms, 1),
        t.latency ? `${num(t.latency.p50, 2)} / ${num(t.latency.p99, 2)} / ${num(t.latency.p999, 2)}` : "",
        other.join("; "),
      ];
      lines.push(`| ${row.map((c) => c.replace(/\|/g, "/")).join(" | ")} |`);
    }
  }
  return lines.join("\n");
}

export function verdictTable(verdicts: Verdict[]): string {
  const lines = ["| target | goal | measured | met |", "|---|---|---|---|"];
  for (const v of verdicts)
    lines.push(
      `| ${v.id} | ${v.text} | ${v.measured} | ${v.met === undefined ? "?" : v.met ? "yes" : "**no**"} |`,
    );
  return lines.join("\n");
}
