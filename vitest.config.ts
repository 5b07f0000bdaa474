import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Tests import workspace packages from source, so no build is needed before `vitest`.
const alias = [
  {
    find: /^@outbound\/([a-z0-9-]+)$/,
    replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)),
  },
];

const transports = ["kafka", "rabbitmq", "sqs", "pulsar"] as const;

/** A transport's broker tests: everything under its test/ folder except test/unit. */
function transportProject(name: (typeof transports)[number]): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name,
      include: [`packages/${name}/test/**/*.test.ts`],
      exclude: [`packages/${name}/test/unit/**`],
      // Brings the broker (and toxiproxy) up when it is not already running.
      globalSetup: [`tools/brokers/setup/${name}.mjs`],
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
          include: [
            "packages/*/test/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
            ...transports.map((t) => `packages/${t}/test/unit/**/*.test.ts`),
          ],
          exclude: transports.flatMap((t) => [
            `packages/${t}/test/*.test.ts`,
            `packages/${t}/test/integration/**`,
          ]),
          testTimeout: 20_000,
        },
      },
      ...transports.map(transportProject),
      {
        resolve: { alias },
        test: {
          name: "smoke",
          include: ["tools/brokers/test/**/*.test.ts"],
          globalSetup: ["tools/brokers/setup/all.mjs"],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
