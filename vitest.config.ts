import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Tests import workspace packages from source, so no build is needed before `vitest`.
const alias = [
  // Private test helpers that live under tools/ rather than packages/.
  {
    find: /^@outbound\/kafka-test-kit$/,
    replacement: fileURLToPath(new URL("./tools/kafka-test-kit/src/index.ts", import.meta.url)),
  },
  // Core's subpath for transport authors (package.json "./transport").
  {
    find: /^@outbound\/core\/transport$/,
    replacement: fileURLToPath(new URL("./packages/core/src/transport/kit/index.ts", import.meta.url)),
  },
  {
    find: /^@outbound\/([a-z0-9-]+)$/,
    replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)),
  },
];

const transports = ["kafka", "kafkajs", "rabbitmq", "sqs", "pulsar"] as const;
/** The broker each transport project needs; both Kafka transports share the one Kafka. */
const brokerOf: Record<(typeof transports)[number], string> = {
  kafka: "kafka",
  kafkajs: "kafka",
  rabbitmq: "rabbitmq",
  sqs: "sqs",
  pulsar: "pulsar",
};
const otherPackages = readdirSync(new URL("./packages", import.meta.url)).filter(
  (name) => !(transports as readonly string[]).includes(name),
);

/**
 * A transport's broker tests: everything under its package's test/ folder except test/unit,
 * plus other packages' `test/integration/<transport>-*.test.ts` (a serializer checked on Kafka).
 */
function transportProject(name: (typeof transports)[number]): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name,
      include: [`packages/${name}/test/**/*.test.ts`, `packages/*/test/integration/${name}-*.test.ts`],
      exclude: [`packages/${name}/test/unit/**`],
      // Brings the broker (and toxiproxy) up when it is not already running.
      // The CLI's broker tests run its built binary: built once, before any file.
      globalSetup: [`tools/brokers/setup/${brokerOf[name]}.mjs`, "packages/cli/test/build-cli.setup.ts"],
      // Files share one broker, and some restart it or cut its connections: one file at a time.
      fileParallelism: false,
      // Before the fault matrix (group 1), which kills and stops brokers.
      sequence: { groupOrder: 0 },
      testTimeout: 60_000,
      hookTimeout: 180_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: [
            ...otherPackages.map((p) => `packages/${p}/test/**/*.test.ts`),
            "examples/*/test/**/*.test.ts",
            "bench/test/**/*.test.ts",
            "tools/transport-shape/test/**/*.test.ts",
            ...transports.map((t) => `packages/${t}/test/unit/**/*.test.ts`),
          ],
          // Integration tests need a broker; they run in that broker's project.
          exclude: ["packages/*/test/integration/**"],
          // The CLI's tests run its built binary: built once, before any file.
          globalSetup: ["packages/cli/test/build-cli.setup.ts"],
          testTimeout: 20_000,
        },
      },
      ...transports.map(transportProject),
      {
        resolve: { alias },
        test: {
          name: "faults",
          include: ["tools/fault-matrix/test/**/*.test.ts"],
          globalSetup: ["tools/brokers/setup/faults.mjs"],
          // Faults kill, stop and restart brokers other projects use: after every other project,
          // one file at a time.
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "smoke",
          sequence: { groupOrder: 0 },
          include: ["tools/brokers/test/**/*.test.ts"],
          globalSetup: ["tools/brokers/setup/all.mjs"],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
