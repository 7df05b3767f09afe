import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: browser and audio tests contend for CPU, so keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
