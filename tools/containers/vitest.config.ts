import { defineConfig } from "vitest/config";

/**
 * tools/containers' own tests, on purpose in no project of the root vitest.config.ts (they build
 * images and start containers): `pnpm exec vitest run --config tools/containers/vitest.config.ts`,
 * beside running native brokers with OUTBOUND_CONTAINER_PORT_OFFSET=30000.
 */
export default defineConfig({
  test: {
    name: "containers",
    root: new URL(".", import.meta.url).pathname,
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
