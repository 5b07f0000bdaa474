import { GROUP_KINDS, type GridKind, type GroupKind } from "./plan.js";
import { TRANSPORTS, type TransportName } from "./types.js";

export interface BenchArgs {
  transports: TransportName[];
  quick: boolean;
  json: string | undefined;
  /** Pass --cpu-prof to the Outbound and outbox trial processes; profiles land in bench/results/profiles. */
  cpuProf: boolean;
  /** Skip writing docs/performance.md and the charts (e.g. a partial ad-hoc run). */
  noDocs: boolean;
  /** Override the number of ABBA rounds. */
  rounds: number | undefined;
  /** The full run's workload grid: one factor at a time, or every combination. */
  grid: GridKind;
  /** Re-render the table, charts and docs from a JSON file an earlier run wrote; runs nothing. */
  report: string | undefined;
  /** Only these comparison groups (plus the max-mode results their rates come from); empty: all. */
  only: GroupKind[];
}

export const USAGE = `pnpm bench [--transport <name>...] [--only <group>...] [--quick] [--json <file>] [--rounds N] [--grid axes|factorial] [--cpu-prof] [--no-docs]

  --transport  memory, kafka, rabbitmq, sqs, pulsar (repeat, or comma-separate); default all
  --only       ${GROUP_KINDS.join(", ")} (comma-separate); a kind includes its
               variants (outbox: outbox-latency too); groups whose rate comes from a max result
               (open, overload) also run that one max target
  --quick      base workload only (100 B, unkeyed, 1 partition), 2 ABBA rounds, 0.5 s warmup, 1.5 s trials
  (full: every workload, 5 rounds, 1 s warmup, 3 s trials)
  --json       also write every trial and summary to this file
  --rounds     ABBA rounds per comparison (full run default 5)
  --grid       full run's workloads: axes (default; each size, keyed, 8 partitions, one factor at a
               time from 100 B unkeyed on 1 partition) or factorial (every combination, ~2x longer)
  --cpu-prof   write V8 CPU profiles of the Outbound and outbox trials to bench/results/profiles
  --no-docs    do not rewrite docs/performance.md and bench/results/*.svg
  --report     re-render table, charts and docs from a JSON an earlier run wrote (runs nothing)`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = {
    transports: [],
    quick: false,
    json: undefined,
    cpuProf: false,
    noDocs: false,
    rounds: undefined,
    report: undefined,
    grid: "axes",
    only: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n\n${USAGE}`);
      return v;
    };
    if (arg === "--") continue;
    if (arg === "--quick") out.quick = true;
    else if (arg === "--cpu-prof") out.cpuProf = true;
    else if (arg === "--no-docs") out.noDocs = true;
    else if (arg === "--json") out.json = value();
    else if (arg === "--report") out.report = value();
    else if (arg === "--grid") {
      const g = value();
      if (g !== "axes" && g !== "factorial") throw new Error("--grid must be axes or factorial");
      out.grid = g;
    } else if (arg === "--rounds") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error("--rounds must be a positive integer");
      out.rounds = n;
    } else if (arg === "--only") {
      for (const name of value().split(",")) {
        if (!GROUP_KINDS.includes(name as GroupKind))
          throw new Error(`unknown group ${name}; known: ${GROUP_KINDS.join(", ")}`);
        out.only.push(name as GroupKind);
      }
    } else if (arg === "--transport" || arg === "-t") {
      // `--transport kafka rabbitmq` and `--transport kafka,rabbitmq` both work.
      for (;;) {
        for (const name of value().split(",")) {
          if (!TRANSPORTS.includes(name as TransportName))
            throw new Error(`unknown transport ${name}; known: ${TRANSPORTS.join(", ")}`);
          out.transports.push(name as TransportName);
        }
        const peek = argv[i + 1];
        if (peek === undefined || peek.startsWith("-")) break;
      }
    } else if (arg === "--help" || arg === "-h") throw new Error(USAGE);
    else throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
  }
  if (out.transports.length === 0) out.transports = [...TRANSPORTS];
  return out;
}
