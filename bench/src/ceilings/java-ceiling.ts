import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "../stats.js";
import type { TrialResult, TrialSpec } from "../types.js";
import { kafkaLib, perfTestLib, pulsarLib, pulsarTestClientJar } from "./jars.js";

/**
 * The Java ceilings: Kafka's ProducerPerformance, RabbitMQ PerfTest and pulsar-perf, each on the
 * same broker, destination, record size and acks as the Node trials. All three print a rate once
 * a second; the first `warmupMs` (at least 2 s) of reports are dropped, the rest are averaged, and the tool is
 * stopped after `warmupMs + durationMs`, so a ceiling is time-bounded like every other trial.
 */
export async function runJavaCeiling(trial: TrialSpec): Promise<TrialResult> {
  // A JVM needs a few seconds before its JIT settles: even the quick run gives it 2 s + 3 s.
  const spec = {
    ...trial,
    warmupMs: Math.max(trial.warmupMs, 2000),
    durationMs: Math.max(trial.durationMs, 3000),
  };
  const command = await commandFor(spec);
  const seconds = Math.ceil((spec.warmupMs + spec.durationMs) / 1000);
  const lines = await runTimed(command.args, seconds, command.startGraceMs);
  const rates: { t: number; rate: number }[] = [];
  for (const line of lines) {
    const rate = command.parse(line.text);
    if (rate !== undefined) rates.push({ t: line.t, rate });
  }
  if (rates.length === 0) {
    return {
      ok: false,
      error: `no rate lines; last output: ${lines
        .slice(-3)
        .map((l) => l.text)
        .join(" | ")}`,
      messages: 0,
      bytes: 0,
      elapsedMs: 0,
      msgPerSec: 0,
      mbPerSec: 0,
    };
  }
  const first = rates[0]!.t;
  let steady = rates.filter((r) => r.t - first >= spec.warmupMs);
  if (steady.length === 0) steady = rates.slice(-1);
  const mean = steady.reduce((s, r) => s + r.rate, 0) / steady.length;
  const elapsedMs = steady.length * 1000;
  return {
    ok: true,
    messages: Math.round(mean * steady.length),
    bytes: Math.round(mean * steady.length * spec.workload.size),
    elapsedMs,
    msgPerSec: mean,
    mbPerSec: (mean * spec.workload.size) / 1e6,
    notes: [
      `${command.name}: ${steady.length} one-second reports after warmup, median ${median(steady.map((r) => r.rate)).toFixed(0)} msg/s`,
      ...command.notes,
    ],
  };
}

interface JavaCommand {
  name: string;
  args: string[];
  parse(line: string): number | undefined;
  notes: string[];
  /** JVM start and connection time not counted against the trial's duration. */
  startGraceMs: number;
}

async function commandFor(spec: TrialSpec): Promise<JavaCommand> {
  const { size, keyed } = spec.workload;
  const e = spec.endpoints;
  switch (spec.driver) {
    case "java-producer-performance": {
      const lib = kafkaLib();
      if (!lib) throw new Error("Kafka jars not found: run `pnpm brokers up kafka` first");
      return {
        name: "ProducerPerformance",
        args: [
          "-Xmx512m",
          "-cp",
          `${lib}/*`,
          "org.apache.kafka.tools.ProducerPerformance",
          "--topic",
          spec.topic,
          "--num-records",
          String(spec.maxMessages),
          "--record-size",
          String(size),
          "--throughput",
          "-1",
          "--reporting-interval",
          "1000",
          // Round-robin over 1024 keys, as the Node drivers cycle through theirs.
          ...(keyed ? ["--record-key-range", "1024", "--key-distribution", "range"] : []),
          "--command-property",
          `bootstrap.servers=${e.kafka}`,
          "acks=all",
          // Same as the Node clients: no idempotence, no compression; everything else is the Java default.
          "enable.idempotence=false",
          "compression.type=none",
        ],
        // "37115 records sent, 7336.4 records/sec (0.70 MB/sec), ..." once per interval.
        parse: (line) => {
          const m = /^\d+ records sent, ([\d.]+) records\/sec/.exec(line);
          return m ? Number(m[1]) : undefined;
        },
        notes: ["java: acks=all enable.idempotence=false, linger.ms and batch.size at Kafka 4.4 defaults"],
        startGraceMs: 20_000,
      };
    }
    case "java-perftest": {
      const lib = await perfTestLib();
      return {
        name: "PerfTest",
        args: [
          "-Xmx512m",
          "-cp",
          `${lib}/*`,
          "com.rabbitmq.perf.PerfTest",
          "-h",
          e.amqpUrl,
          "-x",
          "1",
          "-y",
          "0",
          "-s",
          String(size),
          "-f",
          "persistent",
          "-c",
          String(spec.params.window),
          "-u",
          spec.topic,
          "-p",
          "-z",
          String(Math.ceil((spec.warmupMs + spec.durationMs) / 1000)),
          "--id",
          "bench",
        ],
        // "id: bench, time 1.011 s, sent: 302 msg/s, confirmed: 300 msg/s, ..."
        parse: (line) => {
          const m = /time [\d.]+ s, sent: \d+ msg\/s, confirmed: (\d+) msg\/s/.exec(line);
          return m ? Number(m[1]) : undefined;
        },
        notes: [`java: PerfTest persistent, confirm window ${spec.params.window}, 1 producer`],
        startGraceMs: 20_000,
      };
    }
    case "java-pulsar-perf": {
      const lib = pulsarLib();
      if (!lib) throw new Error("Pulsar jars not found: run `pnpm brokers up pulsar` first");
      const jar = await pulsarTestClientJar();
      const conf = join(tmpdir(), "outbound-bench-pulsar-client.conf");
      writeFileSync(conf, `webServiceUrl=${e.pulsarHttp}\nbrokerServiceUrl=${e.pulsarUrl}\n`);
      return {
        name: "pulsar-perf",
        args: [
          "-Xmx512m",
          // As the broker runs: without IPv4 the client's channel to 127.0.0.1 closes at once here.
          "-Djava.net.preferIPv4Stack=true",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "--add-opens",
          "java.base/java.nio=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "-cp",
          `${jar}:${lib}/*`,
          "org.apache.pulsar.testclient.PulsarPerfTestTool",
          conf,
          "produce",
          "-u",
          e.pulsarUrl,
          "-r",
          "10000000",
          "-s",
          String(size),
          "-i",
          "1",
          "-o",
          String(spec.params.window),
          "-time",
          String(Math.ceil((spec.warmupMs + spec.durationMs) / 1000) + 2),
          `persistent://public/default/${spec.topic}`,
        ],
        // The client's own stats, once a second: "... --- Ack received rate: 8062.64 ack/s --- ...".
        // Acknowledged, not merely written, like every other number here.
        parse: (line) => {
          const m = /Ack received rate: ([\d.]+) ack\/s/.exec(line);
          return m ? Number(m[1]) : undefined;
        },
        notes: [
          "java: pulsar-perf 4.0.8 on the 4.2.4 broker's jars, batching at its defaults (1 ms, 1000 pending)",
        ],
        startGraceMs: 25_000,
      };
    }
    default:
      throw new Error(`unknown ceiling ${spec.driver}`);
  }
}

/** Runs java, timestamps each output line, and stops it `seconds` after its first rate report (or at the grace limit). */
function runTimed(args: string[], seconds: number, graceMs: number): Promise<{ t: number; text: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
    const lines: { t: number; text: string }[] = [];
    const started = performance.now();
    let buffered = "";
    const hardStop = setTimeout(() => child.kill("SIGKILL"), graceMs + seconds * 1000 + 15_000);
    const stop = setTimeout(() => child.kill("SIGTERM"), graceMs + seconds * 1000);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        lines.push({ t: performance.now() - started, text: buffered.slice(0, nl).trim() });
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(stop);
      clearTimeout(hardStop);
      resolve(lines);
    });
    // Once reports flow, stop after the planned duration rather than at the grace limit.
    const watcher = setInterval(() => {
      const firstReport = lines.find((l) =>
        /records\/sec|confirmed: \d+ msg\/s|Throughput produced/.test(l.text),
      );
      if (firstReport && performance.now() - started - firstReport.t >= seconds * 1000 + 500) {
        clearInterval(watcher);
        child.kill("SIGTERM");
      }
    }, 200);
    child.on("exit", () => clearInterval(watcher));
  });
}
