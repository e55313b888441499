import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '2-select-loop',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
