import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: each starts processes that load models on a small machine.
    fileParallelism: false,
    globalSetup: ['test/global-setup.mjs'],
  },
});
