import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real servers and containers share 2 cores: keep files from starving each other.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
