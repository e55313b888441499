import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'fault-matrix',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The cases mostly wait on slow servers and child processes: run many at once.
    maxConcurrency: 12,
  },
});
