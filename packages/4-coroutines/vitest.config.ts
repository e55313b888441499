import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: basename(fileURLToPath(new URL('.', import.meta.url))), // the package's folder: unique, and right in a copy
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
