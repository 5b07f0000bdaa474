import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KAFKA_VERSION, PERF_TEST_VERSION, PULSAR_TESTCLIENT_VERSION } from "./ceilings/jars.js";

export const benchRoot = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = join(benchRoot, "..");

export interface Environment {
  node: string;
  java: string;
  machine: string;
  loadAverage: number[];
  clients: Record<string, string>;
  brokers: Record<string, string>;
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(benchRoot, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return "?";
  }
}

/** Broker versions as `pnpm brokers status` reports them (what is actually running). */
function brokerVersions(): Record<string, string> {
  try {
    const out = execFileSync(process.execPath, [join(repoRoot, "tools/brokers/cli.mjs"), "status"], {
      encoding: "utf8",
      timeout: 90_000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const versions: Record<string, string> = {};
    for (const line of out.split("\n").slice(1)) {
      const [name, state, version] = line.trim().split(/\s+/);
      if (name && state === "up" && version) versions[name] = version;
    }
    return versions;
  } catch {
    return {};
  }
}

/** `java -version` prints on stderr, so it is read through a shell redirect. */
function javaVersion(): string {
  try {
    const out = execFileSync("sh", ["-c", "java -version 2>&1"], { encoding: "utf8" });
    return out.split("\n")[0]?.trim() || "?";
  } catch {
    return "not found";
  }
}

export async function environment(): Promise<Environment> {
  const { loadavg } = await import("node:os");
  const cpu = cpus();
  return {
    node: process.version,
    java: javaVersion(),
    machine: `${cpu.length} x ${cpu[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    clients: {
      kafkajs: packageVersion("kafkajs"),
      "@platformatic/kafka": packageVersion("@platformatic/kafka"),
      amqplib: packageVersion("amqplib"),
      "@aws-sdk/client-sqs": packageVersion("@aws-sdk/client-sqs"),
      "hdr-histogram-js": packageVersion("hdr-histogram-js"),
      ProducerPerformance: `kafka-tools ${KAFKA_VERSION}`,
      PerfTest: `com.rabbitmq:perf-test ${PERF_TEST_VERSION}`,
      "pulsar-perf": `org.apache.pulsar:pulsar-testclient ${PULSAR_TESTCLIENT_VERSION}`,
    },
    brokers: brokerVersions(),
  };
}
