import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'compare',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Each test file runs whole comparisons and checks their timing: one at a
    // time, as compare itself runs its stages, so that they do not slow each other.
    fileParallelism: false,
  },
});
