// Tests of the built docs site (test/site.test.mjs drives headless Chromium over it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    // Launching Chromium and clicking through every tab takes far longer than vitest's 5 s default.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One browser at a time: the machines running this have 2 cores.
    fileParallelism: false,
  },
});
