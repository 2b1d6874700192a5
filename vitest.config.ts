import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers (anvil, GraphQL, HTTP peers); two forks match the 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
    env: { LPDATA_LOG_LEVEL: process.env.LPDATA_LOG_LEVEL ?? 'warn' },
  },
});
