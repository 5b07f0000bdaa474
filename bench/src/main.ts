/**
 * `pnpm bench`: Outbound against the raw clients on the same brokers, in one run. Plans comparison
 * groups per transport, runs every trial in a fresh process in ABBA order, then prints the table
 * and writes the JSON, the charts and docs/performance.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchArgs, parseArgs } from "./args.js";
import { FULL, type Group, OVERLOAD_BUFFER_BYTES, PARAMS, planFor, QUICK, type Timing } from "./plan.js";
import { selectGroups } from "./plan-select.js";
import { latencyChart, throughputChart } from "./report/chart.js";
import { generatedSection, writePerformanceDoc } from "./report/markdown.js";
import { type GroupRun, type GroupSummary, labelOf, summarizeGroup, verdicts } from "./report/summary.js";
import { resultsTable, verdictTable } from "./report/table.js";
import { runTrial } from "./runner.js";
import { Destinations } from "./setup/destinations.js";
import { abbaOrder } from "./stats.js";
import type { Endpoints, TransportName, TrialSpec } from "./types.js";
import { benchRoot, type Environment, environment, repoRoot } from "./versions.js";
import { workloadLabel } from "./workload.js";

function endpoints(): Endpoints {
  const env = process.env;
  return {
    kafka: env.OUTBOUND_TEST_KAFKA ?? "127.0.0.1:9092",
    amqpUrl: env.OUTBOUND_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
    sqsEndpoint: env.OUTBOUND_TEST_SQS_ENDPOINT ?? "http://127.0.0.1:9324",
    pulsarUrl: env.OUTBOUND_TEST_PULSAR_URL ?? "pulsar://127.0.0.1:6650",
    pulsarHttp: env.OUTBOUND_TEST_PULSAR_HTTP ?? "http://127.0.0.1:8080",
    postgresUrl: env.OUTBOUND_TEST_POSTGRES_URL ?? "postgres://outbound@127.0.0.1:5433/postgres",
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

// The AWS SDK warns once per process that its 2027 releases need Node 22; known, and noise here.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "NodeVersionSupportWarning") log(`${warning.name}: ${warning.message}`);
});

/** Messages a trial may send at most: generous, only there so nothing runs away. */
function maxMessages(transport: TransportName, timing: Timing): number {
  const perSecond = transport === "memory" ? 2_000_000 : transport === "sqs" ? 50_000 : 500_000;
  return Math.ceil((perSecond * (timing.warmupMs + timing.durationMs)) / 1000);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.report) {
    publish(JSON.parse(readFileSync(args.report, "utf8")) as RunDocument, args);
    return;
  }
  const timing: Timing = { ...(args.quick ? QUICK : FULL) };
  if (args.rounds) timing.rounds = args.rounds;
  const startedAt = new Date();
  const runId = startedAt.getTime().toString(36);
  const env = await environment();
  const ep = endpoints();
  log(
    `outbound bench ${args.quick ? "--quick" : "(full)"}: ${args.transports.join(", ")}; Node ${env.node}; ${env.machine}; load ${env.loadAverage.join("/")}`,
  );
  log(`brokers: ${JSON.stringify(env.brokers)}`);
  const destinations = new Destinations(ep, runId);
  const profileDir = args.cpuProf ? join(benchRoot, "results", "profiles", runId) : undefined;
  const runs: GroupRun[] = [];
  let order = 0;

  for (const transport of args.transports) {
    const groups = selectGroups(planFor(transport, args.quick, args.grid), args.only).map(
      (g): Group => ({ ...g, rounds: g.rounds === 1 ? 1 : timing.rounds }),
    );
    for (const group of groups) {
      const run: GroupRun = { group, trials: [] };
      if (group.fixedRate !== undefined) run.rate = group.fixedRate;
      else if (group.rateFrom) {
        const source = runs
          .map((r) => summarizeGroup(r))
          .find(
            (s) =>
              s.transport === transport && s.kind === "max" && s.workload === workloadLabel(group.workload),
          );
        const raw = source?.targets.find((t) => t.driver === group.rateFrom);
        if (!raw || raw.msgPerSec <= 0) {
          log(`  skip ${transport} ${group.kind}: no max-mode result for ${group.rateFrom} to set its rate`);
          continue;
        }
        run.rate = Math.max(1, Math.round(raw.msgPerSec * (group.rateFactor ?? 0.5)));
      }
      log(
        `${transport} ${group.kind} ${workloadLabel(group.workload)}${run.rate ? ` @ ${run.rate} msg/s` : ""}`,
      );
      for (let round = 0; round < group.rounds; round++) {
        for (const target of abbaOrder(group.targets, round)) {
          if (target.firstRoundOnly && round > 0) continue;
          let topic: string;
          try {
            topic = await destinations.prepare(transport, group.workload);
          } catch (error) {
            log(`  ${labelOf(target)}: cannot prepare the destination: ${(error as Error).message}`);
            run.trials.push({
              target,
              round,
              order: order++,
              result: {
                ok: false,
                error: `setup: ${(error as Error).message}`,
                messages: 0,
                bytes: 0,
                elapsedMs: 0,
                msgPerSec: 0,
                mbPerSec: 0,
              },
            });
            continue;
          }
          const spec: TrialSpec = {
            transport,
            driver: target.driver,
            mode: target.mode,
            workload: group.workload,
            topic,
            params: PARAMS[transport],
            warmupMs: timing.warmupMs,
            durationMs: timing.durationMs,
            // Overload offers rate x duration: the open loop keeps a bit per send, not an object,
            // so the cap that stops other trials running away would only cut the window short.
            maxMessages:
              target.mode === "overload" && run.rate
                ? Math.ceil((run.rate * timing.durationMs) / 1000)
                : maxMessages(transport, timing),
            endpoints: ep,
            ...(run.rate ? { rate: run.rate } : {}),
            ...(target.ackListener ? { ackListener: true } : {}),
            ...(target.telemetryOff ? { telemetryOff: true } : {}),
            ...(target.produce ? { produce: true } : {}),
            ...(target.batchMaxRecords ? { batchMaxRecords: target.batchMaxRecords } : {}),
            ...(target.outbox ? { outbox: target.outbox } : {}),
            ...(target.mode === "overload" ? { bufferMaxBytes: OVERLOAD_BUFFER_BYTES } : {}),
            ...(target.mode === "buffered" ? { held: timing.held } : {}),
          };
          const trialStarted = performance.now();
          const result = await runTrial(spec, profileDir ? { profileDir } : {});
          const wallSeconds = (performance.now() - trialStarted) / 1000;
          await destinations.cleanup(transport, topic);
          run.trials.push({ target, round, order: order++, result });
          const lat = result.latency ? ` p99 ${result.latency.p99.toFixed(2)} ms` : "";
          const buf =
            result.bytesPerBufferedMessage !== undefined
              ? ` ${result.bytesPerBufferedMessage.toFixed(0)} B/msg`
              : "";
          const overload =
            target.mode === "overload" && result.offered !== undefined
              ? ` offered ${result.offered}, not offered ${result.notOffered}, rejected ${result.rejected}, RSS +${((result.rssGrowthBytes ?? 0) / 2 ** 20).toFixed(1)} MiB`
              : "";
          log(
            `  r${round} ${labelOf(target).padEnd(40)} [${wallSeconds.toFixed(0).padStart(3)} s] ${result.ok ? `${Math.round(result.msgPerSec).toString().padStart(9)} msg/s${lat}${buf}${overload}` : `FAILED ${String(result.error).split("\n")[0]?.slice(0, 160)}`}`,
          );
        }
      }
      runs.push(run);
    }
  }

  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  log(`done in ${minutes.toFixed(1)} min`);
  const command = [
    "pnpm bench",
    args.quick ? "--quick" : "",
    args.rounds ? `--rounds ${args.rounds}` : "",
    args.transports.length < 5 ? `--transport ${args.transports.join(",")}` : "",
    args.only.length ? `--only ${args.only.join(",")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  publish(
    {
      startedAt: startedAt.toISOString(),
      minutes,
      quick: args.quick,
      command,
      transports: args.transports,
      timing,
      params: PARAMS,
      environment: env,
      runs: runs.map((r) => ({
        group: r.group,
        ...(r.rate !== undefined ? { rate: r.rate } : {}),
        trials: r.trials,
      })),
    },
    args,
  );
}

/** Everything a run measured, as written to --json and bench/results/latest.json. */
interface RunDocument {
  startedAt: string;
  minutes: number;
  quick: boolean;
  command: string;
  transports: string[];
  timing: Timing;
  params: typeof PARAMS;
  environment: Environment;
  runs: GroupRun[];
  groups?: GroupSummary[];
  verdicts?: ReturnType<typeof verdicts>;
}

/** Table on stdout, then the JSON, the charts and the generated part of docs/performance.md. */
function publish(run: RunDocument, args: BenchArgs): void {
  const summaries: GroupSummary[] = run.runs.map(summarizeGroup);
  const checks = verdicts(summaries);
  process.stdout.write(`\n${resultsTable(summaries)}\n\n${verdictTable(checks)}\n\n`);
  const document: RunDocument = { ...run, groups: summaries, verdicts: checks };
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify(document, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  if (args.noDocs) return;
  const results = join(benchRoot, "results");
  mkdirSync(results, { recursive: true });
  if (!args.report) writeFileSync(join(results, "latest.json"), `${JSON.stringify(document, null, 2)}\n`);
  const charts: string[] = [];
  const throughput = throughputChart(summaries);
  if (throughput) {
    writeFileSync(join(results, "throughput.svg"), throughput);
    charts.push("throughput.svg");
  }
  const latency = latencyChart(summaries);
  if (latency) {
    writeFileSync(join(results, "latency.svg"), latency);
    charts.push("latency.svg");
  }
  writePerformanceDoc(
    join(repoRoot, "docs", "performance.md"),
    generatedSection(
      {
        startedAt: run.startedAt,
        minutes: run.minutes,
        quick: run.quick,
        transports: run.transports,
        command: run.command,
        rounds: run.timing.rounds,
      },
      run.environment,
      summaries,
      checks,
      charts,
    ),
    "# Performance\n",
  );
  log("wrote the charts and docs/performance.md");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(String((error as Error)?.message ?? error));
    process.exit(1);
  },
);
