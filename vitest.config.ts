import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Real-tool suites share one docker engine and one CPU pair: keep files serial-ish.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
