import * as echarts from "echarts";
import type { GroupSummary } from "./summary.js";

/**
 * Charts as SVG strings, rendered server-side by Apache ECharts (no DOM, no canvas, no native
 * module): throughput of every client per transport (log scale, base workload, max mode) and
 * open-loop latency percentiles per transport.
 */
function render(width: number, height: number, option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: "#ffffff", ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const isBase = (g: GroupSummary) =>
  g.workloadSpec.size === 100 && !g.workloadSpec.keyed && g.workloadSpec.partitions === 1;

export function throughputChart(groups: GroupSummary[]): string | undefined {
  const max = groups.filter((g) => g.kind === "max" && isBase(g));
  if (max.length === 0) return undefined;
  const rows = max.flatMap((g) =>
    g.targets
      .filter((t) => t.okRounds > 0)
      .map((t) => ({
        name: `${g.transport}: ${t.label}`,
        value: Math.round(t.msgPerSec),
        outbound: t.driver.startsWith("outbound"),
      })),
  );
  return render(900, 120 + rows.length * 26, {
    title: {
      text: "Max throughput, 100 B unkeyed, 1 partition (median msg/s, log scale)",
      left: "center",
      textStyle: { fontSize: 14 },
    },
    grid: { left: 330, right: 90, top: 50, bottom: 40 },
    xAxis: { type: "log", name: "msg/s", nameLocation: "middle", nameGap: 25 },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name) },
    series: [
      {
        type: "bar",
        data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.outbound ? "#2f6fdf" : "#9aa4b2" } })),
        label: {
          show: true,
          position: "right",
          formatter: (p: { value: unknown }) => Number(p.value).toLocaleString("en"),
        },
      },
    ],
  });
}

export function latencyChart(groups: GroupSummary[]): string | undefined {
  const open = groups.filter((g) => g.kind === "open");
  const rows = open.flatMap((g) =>
    g.targets
      .filter((t) => t.latency)
      .map((t) => ({ name: `${g.transport}: ${t.label}`, latency: t.latency! })),
  );
  if (rows.length === 0) return undefined;
  const series = (["p50", "p99", "p999"] as const).map((p) => ({
    type: "bar" as const,
    name: p === "p999" ? "p99.9" : p,
    data: rows.map((r) => Math.max(0.01, Math.round(r.latency[p] * 100) / 100)),
  }));
  return render(900, 140 + rows.length * 40, {
    title: {
      text: "Open loop at 50% of the raw max: send-to-ack latency, corrected for coordinated omission (ms, log)",
      left: "center",
      textStyle: { fontSize: 13 },
    },
    legend: { top: 28 },
    grid: { left: 260, right: 60, top: 60, bottom: 40 },
    xAxis: { type: "log", name: "ms", nameLocation: "middle", nameGap: 25 },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name) },
    series,
  });
}
