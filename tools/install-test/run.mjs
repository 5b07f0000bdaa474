#!/usr/bin/env node
/**
 * The installed-package test (`pnpm test:install`): our packages the way users get them. Builds
 * and packs every publishable package, checks each tarball, installs the tarballs with npm (flat
 * node_modules) and with pnpm (strict, from a pnpm workspace) into fresh apps under the system's
 * temp dir, one app per transport holding only core and that transport, then sends a message
 * from each app and reads it back with a client that is not ours. Needs the brokers up.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "./lib/app.mjs";
import { createChecklist } from "./lib/checklist.mjs";
import { kafkaBroker, pulsarBroker, rabbitmqBroker, sqsBroker } from "./lib/independent-readers.mjs";
import { inspectTarball } from "./lib/inspect-tarball.mjs";
import { packAll } from "./lib/pack.mjs";
import { cleanEnvironment, run, runOrThrow } from "./lib/shell.mjs";
import { resolutions, typecheck, writeTypedApp } from "./lib/typecheck-app.mjs";
import { privatePackageNames, publishablePackages } from "./lib/workspace-packages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = realpathSync(join(here, "..", ".."));
const filesDir = join(here, "app-files");
const layouts = ["npm", "pnpm"];
const started = Date.now();

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  console.error(
    `install-test: needs Node 22.22 or newer, this is ${process.version}; run it as pnpm test:install`,
  );
  process.exit(2);
}

const root = realpathSync(mkdtempSync(join(tmpdir(), "outbound-install-")));
if (`${root}${sep}`.startsWith(`${workspaceRoot}${sep}`))
  throw new Error(`temp dir ${root} is inside the workspace`);
const env = cleanEnvironment(workspaceRoot);
const list = createChecklist();
const { check, counts } = list;
const suffix = () => randomBytes(4).toString("hex");
const lastJsonLine = (stdout) => JSON.parse(stdout.trim().split("\n").at(-1));

console.log(`install-test: node ${process.version}, apps under ${root}`);

console.log("\n== build and pack");
await runOrThrow("pnpm", ["-s", "build"], { cwd: workspaceRoot, timeoutMs: 300_000 });
const packages = publishablePackages(workspaceRoot);
const packed = await packAll(packages, root, env);
const privateNames = privatePackageNames(workspaceRoot);
for (const pkg of packed.values()) {
  counts.tarballs++;
  await check(`tarball ${pkg.name}`, () => {
    const problems = inspectTarball(pkg, { workspaceRoot, privateNames });
    if (problems.length > 0) throw new Error(`\n      ${problems.join("\n      ")}`);
    return pkg.tarball.slice(root.length + 1);
  });
}

/**
 * Whether @outbound/core, from where it is installed, can import the transport by itself. Flat
 * npm layout: yes. The pnpm workspace: no, so a send that works there went through the
 * registry's fallback (resolving from the app's cwd and main script).
 */
function coreSees(app, transportName) {
  const core = realpathSync(join(app.app, "node_modules", "@outbound", "core", "package.json"));
  try {
    createRequire(core).resolve(transportName);
    return true;
  } catch {
    return false;
  }
}

async function send(app, url, topic, body, cwd = app.app) {
  const result = await run(process.execPath, [join(app.app, "send.mjs"), url, topic, body], { cwd, env });
  if (result.code !== 0)
    throw new Error(`send.mjs exited ${result.code}:\n${result.stderr || result.stdout}`);
  counts.sends++;
  const out = lastJsonLine(result.stdout);
  if (out.report?.acknowledged !== true)
    throw new Error(`report not acknowledged: ${JSON.stringify(out.report)}`);
  if (out.undelivered !== 0) throw new Error(`close() left ${out.undelivered} undelivered`);
  return out;
}

/** The typed app under each moduleResolution, against whatever `app` has installed. */
async function typecheckApp(layout, app, what) {
  const typed = writeTypedApp(app.app, filesDir, app.names);
  for (const resolution of Object.keys(resolutions)) {
    await check(`${layout} tsc moduleResolution ${resolution}, ${what}`, async () => {
      const thirdParty = await typecheck(app.app, resolution, workspaceRoot, env);
      counts.typechecks++;
      const notes = thirdParty.map((line) => `\n      third-party declaration error, not ours: ${line}`);
      return `${typed.length} packages' declarations, skipLibCheck off${notes.join("")}`;
    });
  }
}

async function installApp(layout, label, wanted, extraDependencies = {}) {
  const app = await createApp({ root, layout, label, packages: wanted, packed, extraDependencies, env });
  counts.apps++;
  for (const file of ["send.mjs", "missing-transport.mjs", "require-core.cjs"])
    copyFileSync(join(filesDir, file), join(app.app, file));
  return app;
}

const brokers = {
  kafka: kafkaBroker(),
  kafkajs: { ...kafkaBroker(), url: kafkaBroker().url.replace(/^kafka:/, "kafkajs:") },
  rabbitmq: rabbitmqBroker(),
  sqs: sqsBroker(),
  pulsar: pulsarBroker(),
};

for (const layout of layouts) {
  console.log(`\n== ${layout}: memory app (core + memory only)`);
  let memoryApp;
  await check(`${layout} install core + memory`, async () => {
    // @types/node as any TypeScript app has it, for the type-check of this smallest install.
    memoryApp = await installApp(layout, "memory", ["@outbound/core", "@outbound/memory"], {
      "@types/node": "^22.19.0",
    });
    return `installed ${memoryApp.names.join(", ")}`;
  });
  if (memoryApp) {
    await check(`${layout} memory send and delivery report`, async () => {
      const topic = `install-${suffix()}`;
      const body = `memory ${layout} ${suffix()}`;
      const { report, held } = await send(memoryApp, `memory://install-${layout}`, topic, body);
      if (
        report.topic !== topic ||
        typeof report.offset !== "string" ||
        typeof report.partition !== "number"
      ) {
        throw new Error(`unexpected delivery report ${JSON.stringify(report)}`);
      }
      if (held?.length !== 1 || JSON.parse(held[0]).body !== body) throw new Error(`broker holds ${held}`);
      counts.readbacks++;
      return `partition ${report.partition} offset ${report.offset}`;
    });
    if (layout === "pnpm") {
      await check("pnpm memory send from another cwd (main-script fallback)", async () => {
        await send(memoryApp, "memory://", `install-${suffix()}`, "from /", "/");
        return "cwd /, transport found from the main script's folder";
      });
    }
    await check(`${layout} missing transport names its npm install`, async () => {
      const result = await runOrThrow(
        process.execPath,
        [join(memoryApp.app, "missing-transport.mjs"), `kafka://${new URL(brokers.kafka.url).host}`],
        { cwd: memoryApp.app, env },
      );
      const outcome = lastJsonLine(result.stdout);
      if (
        !outcome.outboundError ||
        outcome.code !== "TRANSPORT_NOT_INSTALLED" ||
        !outcome.message.includes("npm install @outbound/kafka")
      ) {
        throw new Error(
          `expected OutboundError TRANSPORT_NOT_INSTALLED naming npm install @outbound/kafka, got ${JSON.stringify(outcome)}`,
        );
      }
      return outcome.message;
    });
    await check(`${layout} require() of core from CommonJS`, async () => {
      const result = await runOrThrow(process.execPath, [join(memoryApp.app, "require-core.cjs")], {
        cwd: memoryApp.app,
        env,
      });
      return `offset ${lastJsonLine(result.stdout).offset}`;
    });
    // The smallest install: an optional peer (@opentelemetry/api) is absent here.
    await typecheckApp(layout, memoryApp, "core + memory only");
  }

  for (const [name, broker] of Object.entries(brokers)) {
    console.log(`\n== ${layout}: ${name} app (core + ${name} only)`);
    const transportName = `@outbound/${name}`;
    let app;
    await check(`${layout} install core + ${name}`, async () => {
      app = await installApp(layout, name, ["@outbound/core", transportName]);
      const sees = coreSees(app, transportName);
      if (layout === "npm" && !sees) throw new Error("flat layout, yet core cannot resolve the transport");
      if (layout === "pnpm" && sees)
        throw new Error("core resolves the transport itself: the layout is not strict");
      return `installed ${app.names.join(", ")}; core resolves ${transportName} ${sees ? "itself" : "only through the fallback"}`;
    });
    if (!app) continue;
    await check(`${layout} ${name} send and independent read-back`, async () => {
      const topic = `install-${layout}-${name}-${suffix()}`;
      const body = `${name} ${layout} ${suffix()}`;
      await broker.prepare(topic);
      try {
        const { report } = await send(app, broker.url, topic, body);
        const read = await broker.read(topic);
        if (JSON.parse(read).body !== body) throw new Error(`read back ${read}, sent ${body}`);
        counts.readbacks++;
        return `report ${JSON.stringify({ partition: report.partition, offset: report.offset, messageId: report.messageId })}`;
      } finally {
        await broker.cleanup(topic);
      }
    });
  }

  console.log(`\n== ${layout}: typed app (every package)`);
  let typesApp;
  await check(`${layout} install every package`, async () => {
    typesApp = await createApp({
      root,
      layout,
      label: "types",
      packages: [...packed.keys()],
      packed,
      extraDependencies: { "@types/node": "^22.19.0" },
      env,
    });
    counts.apps++;
    return `${typesApp.names.length} packages`;
  });
  if (typesApp) {
    await check(`${layout} every package imports at run time`, async () => {
      const names = typesApp.names.filter((name) => {
        const manifest = JSON.parse(readFileSync(join(packed.get(name).contents, "package.json"), "utf8"));
        return manifest.exports !== undefined || manifest.main !== undefined;
      });
      const script = `for (const name of ${JSON.stringify(names)}) await import(name);`;
      await runOrThrow(process.execPath, ["--input-type=module", "-e", script], { cwd: typesApp.app, env });
      return names.join(", ");
    });
    await typecheckApp(layout, typesApp, "every package");
  }

  // The CLI as a user installs it: beside core and the transport it drives, nothing else.
  await check(`${layout} npx outbound check --url memory://`, async () => {
    const app = await installApp(layout, "memory-cli", [
      "@outbound/core",
      "@outbound/memory",
      "@outbound/cli",
    ]);
    const result = await run("npx", ["--no-install", "outbound", "check", "--url", "memory://"], {
      cwd: app.app,
      env,
    });
    if (result.code !== 0) throw new Error(`exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout.trim().split("\n").at(-1);
  });
}

const { passed, failed, skipped } = list.summary();
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `\ninstall-test: ${counts.tarballs} tarballs, ${counts.apps} apps, ${counts.sends} sends, ` +
    `${counts.readbacks} read-backs, ${counts.typechecks} type-checks in ${seconds} s`,
);
if (failed.length > 0) {
  console.log(`\nFailed (apps kept under ${root}):`);
  for (const failure of failed) console.log(`  ${failure.name}: ${failure.message.split("\n")[0]}`);
} else {
  rmSync(root, { recursive: true, force: true });
}
console.log(`install-test: ${passed} passed, ${failed.length} failed, ${skipped} skipped`);
process.exitCode = failed.length > 0 ? 1 : 0;
