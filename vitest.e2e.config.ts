import { defineConfig } from 'vitest/config';

// End-to-end: Debian's Chromium through playwright-core against the browser host.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A bound for failure, not a timing goal: a loaded 2-core CI machine can take seconds.
    expect: { poll: { timeout: 15_000 } },
  },
});
