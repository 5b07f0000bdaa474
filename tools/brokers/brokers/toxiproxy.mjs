import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { toxiproxyHealthy } from "../lib/health.mjs";
import { brokerRunDir, cacheDir } from "../lib/paths.mjs";
import { run, spawnDetached } from "../lib/process.mjs";

/** Pinned: `@latest` resolves to an old 2.5.0 through the module proxy here, while 2.12.0 resolves. */
const version = "2.12.0";
const binDir = () => join(cacheDir(), `toxiproxy-${version}`, "bin");
const binary = () => join(binDir(), "server");

/**
 * toxiproxy, the fault-injection proxy the transports' tests put between client and broker. Built
 * from source through the Go module proxy, so it reports its version as "git".
 * @type {import("../lib/broker.mjs").Broker}
 */
export const toxiproxy = {
  name: "toxiproxy",
  version,
  ports: { api: 8474 },
  startTimeoutMs: 20_000,
  log: join(brokerRunDir("toxiproxy"), "toxiproxy.log"),
  dataDirs: [],
  get marker() {
    return binary();
  },

  async fetch(onStart) {
    if (existsSync(binary())) return { fetched: false, seconds: 0 };
    onStart();
    const started = Date.now();
    const log = join(cacheDir(), `toxiproxy-${version}`, "fetch.log");
    mkdirSync(binDir(), { recursive: true });
    try {
      await run("go", ["install", `github.com/Shopify/toxiproxy/v2/cmd/server@v${version}`], {
        cwd: binDir(),
        env: { GOBIN: binDir() },
        log,
      });
    } catch (error) {
      throw new Error(`go install of toxiproxy ${version} failed (see ${log})`, { cause: error });
    }
    return { fetched: true, seconds: (Date.now() - started) / 1000 };
  },

  async start() {
    const dir = brokerRunDir("toxiproxy");
    mkdirSync(dir, { recursive: true });
    return spawnDetached(binary(), ["-host", "127.0.0.1", "-port", String(toxiproxy.ports.api)], {
      cwd: dir,
      log: toxiproxy.log,
    });
  },

  health: (timeoutMs) => toxiproxyHealthy(`http://127.0.0.1:${toxiproxy.ports.api}`, timeoutMs),
};
