import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'fault-matrix',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
