import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kafkaLibDir } from "../brokers/brokers/kafka.mjs";
import { withLock } from "../brokers/lib/lock.mjs";
import { logTail } from "../brokers/lib/log-tail.mjs";
import { fetch as fetchBrokers } from "../brokers/lib/manager.mjs";
import { cacheDir } from "../brokers/lib/paths.mjs";
import { run } from "../brokers/lib/process.mjs";
import { docker } from "./engine.mjs";

/**
 * Images built here without any registry: a Debian base from debootstrap, a JRE layer from apt, and
 * one image per broker with the jars the native tool already caches. Each image carries a label with
 * a hash of its inputs (its Dockerfile directory, the jar names and sizes, the parent image id), so a
 * second build with the same inputs is a no-op, and a changed input rebuilds it and what is above it.
 * Nothing built here lives in the repo: contexts are assembled under the cache and removed after.
 */

const HASH_LABEL = "outbound.inputs-hash";
const SUITE = "bookworm";
const imagesDir = fileURLToPath(new URL("./images", import.meta.url));
const buildRoot = () => join(cacheDir(), "containers-build");

/**
 * name -> tag, parent and build inputs. `lib` is a cached jar directory and the `pnpm brokers fetch`
 * name that fills it; it is copied (hard-linked) into the context as lib/.
 */
export const IMAGES = {
  debian: { tag: `outbound/debian:${SUITE}` },
  jre: { tag: "outbound/jre:17", parent: "debian", dir: "jre" },
  kafka: {
    tag: "outbound/kafka:4.4.0",
    parent: "jre",
    dir: "kafka",
    lib: { fetch: "kafka", dir: kafkaLibDir },
  },
  sqs: {
    tag: "outbound/elasticmq:1.7.1",
    parent: "jre",
    dir: "elasticmq",
    lib: { fetch: "sqs", dir: () => join(cacheDir(), "elasticmq-1.7.1", "lib") },
  },
  pulsar: {
    tag: "outbound/pulsar:4.2.4",
    parent: "jre",
    dir: "pulsar",
    lib: { fetch: "pulsar", dir: () => join(cacheDir(), "pulsar-4.2.4", "lib") },
  },
  rabbitmq: { tag: "outbound/rabbitmq:3.10", parent: "debian", dir: "rabbitmq" },
};

/** The Debian mirror apt uses on this machine (sources.list or deb822 .sources), for debootstrap. */
export function debianMirror() {
  const candidates = [];
  const read = (file) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const listLines = (text) => {
    for (const line of text.split("\n")) {
      // deb [options] uri suite components...
      const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (match) candidates.push({ uri: match[1], suites: [match[2]] });
    }
  };
  const stanzas = (text) => {
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1].trim();
      if (!(field("Types") ?? "").split(/\s+/).includes("deb")) continue;
      if ((field("Enabled") ?? "yes").toLowerCase() === "no") continue;
      for (const uri of (field("URIs") ?? "").split(/\s+/).filter(Boolean)) {
        candidates.push({ uri, suites: (field("Suites") ?? "").split(/\s+/) });
      }
    }
  };
  listLines(read("/etc/apt/sources.list"));
  const dir = "/etc/apt/sources.list.d";
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const file of files) {
    if (file.endsWith(".list")) listLines(read(join(dir, file)));
    else if (file.endsWith(".sources")) stanzas(read(join(dir, file)));
  }
  const found = candidates.find((c) => c.suites.includes(SUITE));
  if (!found) throw new Error(`no apt source for Debian ${SUITE} in /etc/apt/sources.list{,.d}`);
  return found.uri;
}

async function imageLabel(tag) {
  try {
    const out = await docker([
      "image",
      "inspect",
      "--format",
      `{{index .Config.Labels "${HASH_LABEL}"}}|{{.Id}}`,
      tag,
    ]);
    const [hash, id] = out.trim().split("|");
    return { hash, id };
  } catch {
    return undefined;
  }
}

function hashInputs(parts) {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part}\0`);
  return hash.digest("hex").slice(0, 24);
}

/** The files of images/<dir>, name and content. */
function dirInputs(dir) {
  const root = join(imagesDir, dir);
  return readdirSync(root)
    .sort()
    .map((file) => `${file}:${readFileSync(join(root, file), "utf8")}`);
}

/** Jar names and sizes: a different fetch (another pin) rebuilds the image. */
function libInputs(lib) {
  return readdirSync(lib)
    .sort()
    .map((file) => `lib/${file}:${statSync(join(lib, file)).size}`);
}

/**
 * Builds `name` (and its parents) unless an image with the same input hash exists.
 * @returns {Promise<{ tag: string, built: string[], seconds: number }>} what was built, for timings
 */
export async function ensureImage(name, { print = console.log, built = [] } = {}) {
  const spec = IMAGES[name];
  if (!spec) throw new Error(`unknown image "${name}"; known: ${Object.keys(IMAGES).join(", ")}`);
  const started = Date.now();
  let parentId = "";
  if (spec.parent) parentId = (await ensureImage(spec.parent, { print, built })).id;
  const result = await withLock(`containers-image-${name}`, async () => {
    if (name === "debian") return buildBase(spec, print, built);
    let libDir;
    if (spec.lib) {
      libDir = spec.lib.dir();
      if (!existsSync(join(libDir, "..", ".complete"))) {
        print(
          `containers: ${name} jars missing, fetching them like \`pnpm brokers fetch ${spec.lib.fetch}\``,
        );
        await fetchBrokers([spec.lib.fetch], { print });
      }
    }
    const hash = hashInputs([parentId, ...dirInputs(spec.dir), ...(libDir ? libInputs(libDir) : [])]);
    const existing = await imageLabel(spec.tag);
    if (existing?.hash === hash) return existing;
    const context = join(buildRoot(), name);
    const log = join(buildRoot(), `${name}.log`);
    rmSync(context, { recursive: true, force: true });
    rmSync(log, { force: true });
    mkdirSync(context, { recursive: true });
    for (const file of readdirSync(join(imagesDir, spec.dir))) {
      copyFileSync(join(imagesDir, spec.dir, file), join(context, file));
    }
    if (libDir) linkTree(libDir, join(context, "lib"));
    print(`containers: building ${spec.tag} (log ${log})`);
    const begun = Date.now();
    try {
      await docker(["build", "--label", `${HASH_LABEL}=${hash}`, "-t", spec.tag, context], { log });
    } catch (error) {
      throw new Error(
        `docker build of ${spec.tag} failed\n--- last lines of ${log} ---\n${logTail(log, 30)}`,
        {
          cause: error,
        },
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    built.push(`${spec.tag} ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    print(`containers: built ${spec.tag} in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    return imageLabel(spec.tag);
  });
  return { tag: spec.tag, id: result.id, built, seconds: (Date.now() - started) / 1000 };
}

/** Hard links (same file system as the cache) or copies, so a 240 MB Pulsar lib costs no copy. */
function linkTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) {
    try {
      linkSync(join(from, file), join(to, file));
    } catch {
      copyFileSync(join(from, file), join(to, file));
    }
  }
}

/** outbound/debian:bookworm: debootstrap --variant=minbase from the host's mirror, then docker import. */
async function buildBase(spec, print, built) {
  const mirror = debianMirror();
  const hash = hashInputs(["debootstrap", "minbase", SUITE, mirror]);
  const existing = await imageLabel(spec.tag);
  if (existing?.hash === hash) return existing;
  const rootfs = join(buildRoot(), "rootfs");
  const log = join(buildRoot(), "debian.log");
  rmSync(rootfs, { recursive: true, force: true });
  rmSync(log, { force: true });
  mkdirSync(rootfs, { recursive: true });
  print(`containers: debootstrap ${SUITE} from ${mirror} (log ${log})`);
  const begun = Date.now();
  try {
    await run("debootstrap", ["--variant=minbase", SUITE, rootfs, mirror], { log });
    const debootstrapSeconds = (Date.now() - begun) / 1000;
    // tar -C rootfs -c . | docker import - TAG, with a PATH (import sets no environment).
    await run(
      "sh",
      [
        "-c",
        'tar -C "$1" -c . | docker import --change "$2" --change "$3" --change "$4" - "$5"',
        "sh",
        rootfs,
        `LABEL ${HASH_LABEL}=${hash}`,
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        'CMD ["/bin/bash"]',
        spec.tag,
      ],
      { log, env: { DOCKER_HOST: process.env.DOCKER_HOST || "unix:///var/run/docker.sock" } },
    );
    const seconds = (Date.now() - begun) / 1000;
    built.push(`${spec.tag} ${seconds.toFixed(1)} s (debootstrap ${debootstrapSeconds.toFixed(1)} s)`);
    print(
      `containers: built ${spec.tag} in ${seconds.toFixed(1)} s (debootstrap ${debootstrapSeconds.toFixed(1)} s)`,
    );
  } catch (error) {
    throw new Error(`building ${spec.tag} failed\n--- last lines of ${log} ---\n${logTail(log, 30)}`, {
      cause: error,
    });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return imageLabel(spec.tag);
}

/** Removes the images this tool built (the next build is cold again). */
export async function removeImages({ print = console.log } = {}) {
  const tags = Object.values(IMAGES)
    .map((spec) => spec.tag)
    .reverse();
  for (const tag of tags) {
    if (await imageLabel(tag)) {
      await docker(["image", "rm", "-f", tag]);
      print(`containers: removed ${tag}`);
    }
  }
}
