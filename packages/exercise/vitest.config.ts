import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: basename(fileURLToPath(new URL('.', import.meta.url))), // the package's folder: unique, and right in a copy
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Each test file runs whole comparisons and checks their timing: one at a
    // time, as compare itself runs its stages, so that they do not slow each other.
    fileParallelism: false,
  },
});
