import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths.mjs";
import { run } from "./process.mjs";

/**
 * Maven settings written at runtime: every repository other than Central is mirrored to an empty local
 * file repository. Some POMs (Pulsar's) declare extra repositories this machine cannot reach, and an
 * unknown host stops Maven instead of falling through to Central; an empty repository answers
 * "not found" at once. Keeping this out of the repo also keeps registry host names out of it.
 */
export function mavenSettings() {
  const dir = join(cacheDir(), "maven");
  const emptyRepo = join(dir, "empty-repo");
  mkdirSync(emptyRepo, { recursive: true });
  const file = join(dir, "settings.xml");
  const xml = `<settings><mirrors><mirror><id>only-central</id><mirrorOf>*,!central</mirrorOf><url>file://${emptyRepo}</url></mirror></mirrors></settings>\n`;
  if (!existsSync(file) || readFileSync(file, "utf8") !== xml) writeFileSync(file, xml);
  return file;
}

/**
 * A `pom` project whose only purpose is to resolve exact, pinned artifacts (never ranges: a range once
 * pulled a log4j 3.0 beta that broke logging).
 * @param {{ artifactId: string, dependencies: string[], imports?: string[] }} spec coordinates as group:artifact:version
 */
export function fetchPom({ artifactId, dependencies, imports = [] }) {
  const dependency = (coordinates, extra = "") => {
    const [groupId, id, version] = coordinates.split(":");
    return `      <dependency><groupId>${groupId}</groupId><artifactId>${id}</artifactId><version>${version}</version>${extra}</dependency>`;
  };
  const management = imports.length
    ? `  <dependencyManagement>\n    <dependencies>\n${imports.map((c) => dependency(c, "<type>pom</type><scope>import</scope>")).join("\n")}\n    </dependencies>\n  </dependencyManagement>\n`
    : "";
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>outbound.brokers</groupId><artifactId>${artifactId}</artifactId><version>1</version>
  <packaging>pom</packaging>
${management}  <dependencies>
${dependencies.map((c) => dependency(c)).join("\n")}
  </dependencies>
</project>
`;
}

/**
 * Copies a pinned set of jars into `<dir>/lib` once. A `.complete` marker holding the POM makes a
 * second `up` skip Maven entirely, and makes a changed pin (a new POM) fetch again.
 * @returns {Promise<{ lib: string, fetched: boolean, seconds: number }>}
 */
export async function fetchJars(dir, pom, onStart = () => {}) {
  const lib = join(dir, "lib");
  const marker = join(dir, ".complete");
  if (existsSync(marker) && readFileSync(marker, "utf8") === pom && existsSync(lib)) {
    return { lib, fetched: false, seconds: 0 };
  }
  onStart();
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "pom.xml"), pom);
  const staging = join(dir, "lib.partial");
  rmSync(staging, { recursive: true, force: true });
  const log = join(dir, "fetch.log");
  rmSync(log, { force: true });
  try {
    await run(
      "mvn",
      [
        "-s",
        mavenSettings(),
        "-q",
        "-B",
        "dependency:copy-dependencies",
        `-DoutputDirectory=${staging}`,
        "-DincludeScope=runtime",
        // CI can point Maven's local repository at a cached directory; ~/.m2 otherwise.
        ...(process.env.OUTBOUND_MAVEN_REPO ? [`-Dmaven.repo.local=${process.env.OUTBOUND_MAVEN_REPO}`] : []),
      ],
      { cwd: dir, log },
    );
  } catch (error) {
    throw new Error(`Maven could not fetch the jars for ${dir} (see ${log})`, { cause: error });
  }
  if (readdirSync(staging).length === 0) throw new Error(`Maven fetched no jars into ${staging}`);
  rmSync(lib, { recursive: true, force: true });
  renameSync(staging, lib);
  writeFileSync(marker, pom);
  return { lib, fetched: true, seconds: (Date.now() - started) / 1000 };
}
