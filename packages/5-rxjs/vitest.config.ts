import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '5-rxjs',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
