// Interrupted, compare leaves nothing behind: not the client it was running, not
// that client's scratch folder. Each run here gets a temporary folder of its own
// (TMPDIR) and a mark in its environment that every child inherits, so that
// anything left over can be found.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeToyStages, processesMarked, sleep } from '@slow-poetry/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/slow-poetry-compare.js', import.meta.url));
const toys = makeToyStages([{ stage: 1, mode: 'concurrent' }]);
afterAll(() => toys.remove());

describe.concurrent.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('compare stopped by %s', (signal, status) => {
  it(`stops the running client, removes its scratch folder and exits ${status}`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'compare-stopping-'));
    const mark = `SLOW_POETRY_TEST_MARK=${signal}-${process.pid}-${Date.now()}`;
    try {
      const child = spawn(process.execPath, [launcher, '--packages', toys.dir, '--speed', '1'], {
        env: { ...process.env, TMPDIR: tmp, [mark.split('=')[0]!]: mark.split('=')[1]! },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      await new Promise<void>((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          stdout += text;
          if (stdout.includes('downloading')) resolve();
        }),
      );
      await sleep(300); // the toy client is mid-download (about 9 s at speed 1)
      expect(readdirSync(tmp).length).toBeGreaterThan(0); // its scratch folder is there now
      expect(processesMarked(mark).length).toBeGreaterThan(0);
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code).toBe(status);
      expect(stderr).toContain(`slow-poetry-compare: stopped by ${signal}`);
      await sleep(200);
      expect(processesMarked(mark)).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});
