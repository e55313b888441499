import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '3-callbacks',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
