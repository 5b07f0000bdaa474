#!/usr/bin/env node
// `pnpm brokers <command> [names] [--fresh]`: plain ESM so .ci/run can call it before anything is built.
import { kafkaLibDir } from "./brokers/kafka.mjs";
import { down, fetch, logs, status, up } from "./lib/manager.mjs";

const usage = `usage: pnpm brokers <command> [names...]

  up [names] [--fresh]   fetch if needed, start and wait until healthy (the default set when no names)
  fetch [names]          download only (what up does first), nothing starts
  down [names]           stop what up started
  status [names] [--json]  state, version, ports, pid, memory and health
  logs <name> [lines]    the tail of a broker's log
  path kafka-lib         the directory holding the Kafka jars (for Java cross-checks)

names: kafka, rabbitmq, sqs, pulsar, toxiproxy (the default set); started only when named:
pulsar-auth (a second Pulsar with token authentication), kafka-cluster (three KRaft nodes) and
rabbitmq-cluster (three RabbitMQ nodes)`;

async function main(argv) {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((arg) => arg.startsWith("--")));
  const names = rest.filter((arg) => !arg.startsWith("--"));
  switch (command) {
    case "up":
      await up(names, { fresh: flags.has("--fresh") });
      return 0;
    case "fetch":
      await fetch(names);
      return 0;
    case "down":
      await down(names);
      return 0;
    case "status": {
      const rows = await status(names);
      if (flags.has("--json")) console.log(JSON.stringify(rows, null, 2));
      else printStatus(rows);
      // A broker that `up` only starts on request (pulsar-auth) being down is not a failure.
      const failed = rows.filter(
        (row) => !row.healthy && row.state !== "external" && !(row.optional && row.state === "down"),
      );
      return failed.length === 0 ? 0 : 3;
    }
    case "logs": {
      if (names.length < 1) throw new Error("logs needs a broker name");
      console.log(logs(names[0], names[1] ? Number(names[1]) : undefined));
      return 0;
    }
    case "path":
      if (names[0] === "kafka-lib") {
        console.log(kafkaLibDir());
        return 0;
      }
      throw new Error(`unknown path "${names[0] ?? ""}"; known: kafka-lib`);
    default:
      console.error(usage);
      return command === undefined || command === "help" || flags.has("--help") ? 0 : 2;
  }
}

function printStatus(rows) {
  const table = rows.map((row) => [
    row.name,
    row.state,
    row.version ?? "",
    Object.values(row.ports).join(","),
    row.pid ? String(row.pid) : "",
    row.residentBytes ? `${Math.round(row.residentBytes / 2 ** 20)} MiB` : "",
    row.healthy ? "" : (row.detail ?? ""),
  ]);
  const header = ["broker", "state", "version", "ports", "pid", "resident", "detail"];
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((cells) => cells[i].length)));
  for (const cells of [header, ...table]) {
    console.log(
      cells
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`brokers: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
