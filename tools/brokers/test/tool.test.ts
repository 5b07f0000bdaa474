import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { endpoints, isExternal } from "../endpoints.mjs";
import { withLock } from "../lib/lock.mjs";
import { fetchPom } from "../lib/maven.mjs";

// The tool's own logic, beside the broker smoke tests: overrides decide what starts, pins stay exact.
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("endpoints()", () => {
  it("uses an override when set and the local default otherwise", () => {
    vi.stubEnv("OUTBOUND_TEST_KAFKA", " kafka.example:9092 ");
    vi.stubEnv("OUTBOUND_TEST_AMQP_URL", "");
    const result = endpoints();
    expect(result.kafka).toBe("kafka.example:9092");
    expect(result.amqp).toBe("amqp://guest:guest@127.0.0.1:5672");
    expect(result.kafkaSasl).toBe("127.0.0.1:9094");
  });

  it("marks a broker external only when one of its variables is set", () => {
    vi.stubEnv("OUTBOUND_TEST_KAFKA", "");
    vi.stubEnv("OUTBOUND_TEST_PULSAR_HTTP", "http://pulsar.example:8080");
    expect(isExternal("kafka")).toBe(false);
    expect(isExternal("pulsar")).toBe(true);
  });
});

describe("fetchPom", () => {
  it("pins exact versions and imports BOMs with import scope", () => {
    const pom = fetchPom({
      artifactId: "x",
      dependencies: ["g:a:1.2.3"],
      imports: ["g:bom:4.5.6"],
    });
    expect(pom).toContain("<groupId>g</groupId><artifactId>a</artifactId><version>1.2.3</version>");
    expect(pom).toMatch(
      /<artifactId>bom<\/artifactId><version>4\.5\.6<\/version><type>pom<\/type><scope>import<\/scope>/,
    );
    expect(pom).not.toMatch(/[[(],/);
  });
});

describe("withLock", () => {
  it("runs tasks for the same name one at a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "outbound-brokers-lock-"));
    vi.stubEnv("OUTBOUND_BROKERS_DIR", dir);
    try {
      const events: string[] = [];
      const task = (id: string) => async () => {
        events.push(`start ${id}`);
        await sleep(300);
        events.push(`end ${id}`);
      };
      await Promise.all([withLock("same", task("a")), withLock("same", task("b"))]);
      expect(events).toEqual(["start a", "end a", "start b", "end b"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
