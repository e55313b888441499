#!/usr/bin/env node
// `slow-poetry-build-quietly`: build the workspace (turbo run build) without a
// word on stdout, for the root scripts whose stdout is for something else —
// `pnpm --silent compare --json > result.json` must hold the JSON and nothing
// more, and `pnpm servers` should open with the servers' own lines. Turbo's
// output is kept, and shown on stderr only if the build fails.
import { spawnSync } from 'node:child_process';

const turbo = spawnSync('turbo', ['run', 'build', '--output-logs=errors-only'], {
  encoding: 'utf8',
  shell: process.platform === 'win32', // turbo is a .cmd shim there
  env: { ...process.env, TURBO_NO_UPDATE_NOTIFIER: '1' },
});
if (turbo.error) {
  process.stderr.write(`slow-poetry-build-quietly: cannot run turbo: ${turbo.error.message}\n`);
  process.exit(2);
}
if (turbo.status !== 0) {
  process.stderr.write(turbo.stdout + turbo.stderr);
  process.exit(turbo.status ?? 1);
}
