import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '4-promises',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
