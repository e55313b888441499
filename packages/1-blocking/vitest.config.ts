import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '1-blocking',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
