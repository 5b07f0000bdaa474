import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Counts } from "./counts.js";

/** One row of the matrix: which transport, which fault, what came of it. */
export interface CaseResult {
  transport: string;
  broker: string;
  fault: string;
  /** Producer settings that matter for the reading of the row. */
  settings: string;
  claimsDedup: boolean;
  counts: Counts;
  /** Set when the case's assertions failed: which. */
  failures: string[];
  ranAt: string;
}

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const reliabilityPage = fileURLToPath(new URL("../../../docs/reliability.md", import.meta.url));

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Keeps a case's result for the page; a later run of the same case replaces it. */
export function recordResult(result: CaseResult): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${slug(result.broker)}--${slug(result.transport)}--${slug(result.fault)}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

export function readResults(): CaseResult[] {
  let files: string[] = [];
  try {
    files = readdirSync(resultsDir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as CaseResult);
}

const MARK_START = "<!-- fault-matrix:start -->";
const MARK_END = "<!-- fault-matrix:end -->";

/** The matrix table, from every recorded result. */
export function matrixTable(results: readonly CaseResult[]): string {
  const rows = [...results].sort((a, b) =>
    `${a.broker} ${a.fault} ${a.transport}`.localeCompare(`${b.broker} ${b.fault} ${b.transport}`),
  );
  const header =
    "| broker | fault | transport | sent | acked | failed (kinds) | acked-but-lost | stored-but-failed (not unknown) | duplicates (extra copies) | keys out of order | late or unsettled | stall ms | verdict |";
  const lines = rows.map((r) => {
    const c = r.counts;
    const kinds = Object.entries(c.failedByKind)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    const verdict = r.failures.length === 0 ? "pass" : `**fail**: ${r.failures.join("; ")}`;
    return `| ${r.broker} | ${r.fault} | ${r.transport} (${r.settings}) | ${c.sent} | ${c.acked} | ${c.failed}${kinds ? ` (${kinds})` : ""} | ${c.ackedButLost} | ${c.storedButFailed} (${c.storedButFailedNotUnknown}) | ${c.duplicated} (${c.extraCopies})${r.claimsDedup ? "" : " †"} | ${c.keysOutOfOrder} | ${c.lateOrUnsettled} | ${c.stallMs} | ${verdict} |`;
  });
  return [header, `|${" --- |".repeat(13)}`, ...lines].join("\n");
}

/** Rewrites the generated part of docs/reliability.md from the recorded results. */
export function writeReliabilityPage(): void {
  let page: string;
  try {
    page = readFileSync(reliabilityPage, "utf8");
  } catch {
    return;
  }
  const start = page.indexOf(MARK_START);
  const end = page.indexOf(MARK_END);
  if (start < 0 || end < start) return;
  const table = matrixTable(readResults());
  writeFileSync(reliabilityPage, `${page.slice(0, start + MARK_START.length)}\n${table}\n${page.slice(end)}`);
}
