import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Same cache as `pnpm brokers`: downloads live outside the repo, so nothing fetched can be committed. */
export function cacheDir(): string {
  return process.env.OUTBOUND_CACHE_DIR || join(homedir(), ".cache", "outbound");
}

export const KAFKA_VERSION = "4.4.0";
export const PULSAR_VERSION = "4.2.4";
export const PERF_TEST_VERSION = "2.22.1";
/** 4.2.4 of the test client is missing from the registry copy here; 4.0.8 runs on the 4.2.4 broker's jars. */
export const PULSAR_TESTCLIENT_VERSION = "4.0.8";

/** The Kafka jars `pnpm brokers` fetched (they include kafka-tools and ProducerPerformance). */
export function kafkaLib(): string | undefined {
  const lib = join(cacheDir(), `kafka-${KAFKA_VERSION}`, "lib");
  return existsSync(lib) ? lib : undefined;
}

export function pulsarLib(): string | undefined {
  const lib = join(cacheDir(), `pulsar-${PULSAR_VERSION}`, "lib");
  return existsSync(lib) ? lib : undefined;
}

/**
 * Maven settings that mirror every non-Central repository to an empty local one (some POMs name
 * hosts this machine cannot reach, and an unknown host stops Maven). Written at runtime so no host
 * name lives in the repo; the brokers tool writes the same file.
 */
function mavenSettings(): string {
  const dir = join(cacheDir(), "maven");
  const emptyRepo = join(dir, "empty-repo");
  mkdirSync(emptyRepo, { recursive: true });
  const file = join(dir, "settings.xml");
  writeFileSync(
    file,
    `<settings><mirrors><mirror><id>only-central</id><mirrorOf>*,!central</mirrorOf><url>file://${emptyRepo}</url></mirror></mirrors></settings>\n`,
  );
  return file;
}

function mvn(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", ["-s", mavenSettings(), "-q", "-B", ...args], { cwd, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`mvn ${args[0]} exited with ${code}`)),
    );
  });
}

/** RabbitMQ PerfTest with its 25 runtime jars, fetched once. */
export async function perfTestLib(): Promise<string> {
  const dir = join(cacheDir(), `perf-test-${PERF_TEST_VERSION}`);
  const lib = join(dir, "lib");
  if (existsSync(lib) && readdirSync(lib).some((f) => f.startsWith("perf-test-"))) return lib;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pom.xml"),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>outbound.bench</groupId><artifactId>perf-test-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId><version>${PERF_TEST_VERSION}</version></dependency></dependencies>
</project>\n`,
  );
  await mvn(["dependency:copy-dependencies", "-DoutputDirectory=lib", "-DincludeScope=runtime"], dir);
  return lib;
}

/** The pulsar-perf jar alone: it runs on the broker's own jars, so its transitive tree is not fetched. */
export async function pulsarTestClientJar(): Promise<string> {
  const dir = join(cacheDir(), `pulsar-testclient-${PULSAR_TESTCLIENT_VERSION}`);
  const jar = join(dir, "lib", `pulsar-testclient-${PULSAR_TESTCLIENT_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(dir, { recursive: true });
  await mvn(
    [
      "dependency:copy",
      `-Dartifact=org.apache.pulsar:pulsar-testclient:${PULSAR_TESTCLIENT_VERSION}`,
      "-DoutputDirectory=lib",
    ],
    dir,
  );
  return jar;
}
