// `pnpm vitest` at the root watches every package at once; each package's own
// vitest.config.ts names it and sets its limits. `pnpm test` runs them through turbo.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
