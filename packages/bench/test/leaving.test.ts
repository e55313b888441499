// The bench leaves nothing behind: stopped by a signal while it measures, its
// client and its servers are gone, and so are its temporary folders; killed
// outright, its servers end with it. Each run here gets a private TMPDIR and a
// mark in its environment that every child inherits, so anything left over can
// be found.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { processesMarked, sleep } from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/slow-poetry-bench.js', import.meta.url));
const servers = new URL('../dist/servers.js', import.meta.url).href;

function marked(name: string): { tmp: string; mark: string; env: NodeJS.ProcessEnv } {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-leaving-'));
  const value = `${name}-${process.pid}-${Date.now()}`;
  return { tmp, mark: `SLOW_POETRY_TEST_MARK=${value}`, env: { ...process.env, TMPDIR: tmp, SLOW_POETRY_TEST_MARK: value } };
}

describe('the bench, interrupted', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    'stopped by %s while it measures, kills its client and servers, removes its folders and exits %i',
    async (signal, status) => {
      const { tmp, mark, env } = marked(signal);
      try {
        const child = spawn(process.execPath, [launcher, '--dry-run', '--only', 'scale', '--clients', 'floor'], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        // The first line comes after the first measured run: by then the servers are up and the next client is starting.
        await new Promise<void>((resolve) =>
          child.stderr.setEncoding('utf8').on('data', (text: string) => {
            stderr += text;
            if (stderr.includes('\n')) resolve();
          }),
        );
        await sleep(200);
        expect(processesMarked(mark).length).toBeGreaterThan(0);
        child.kill(signal);
        const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
        expect(code).toBe(status);
        expect(stderr).toContain(`slow-poetry-bench: stopped by ${signal}`);
        await sleep(300);
        expect(processesMarked(mark)).toEqual([]);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('killed outright, takes its server processes with it', async () => {
    const { tmp, mark, env } = marked('SIGKILL');
    try {
      const source = `
        import { startSceneProcess } from ${JSON.stringify(servers)};
        await startSceneProcess(1);
        console.log('up');
        setInterval(() => {}, 1000);
      `;
      const parent = spawn(process.execPath, ['--input-type=module', '-e', source], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => parent.stdout.once('data', () => resolve()));
      expect(processesMarked(mark).length).toBe(2); // the parent and its server child
      parent.kill('SIGKILL');
      for (let i = 0; i < 50 && processesMarked(mark).length > 0; i++) await sleep(100);
      expect(processesMarked(mark)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('pnpm --silent bench --json', () => {
  it('prints exactly one JSON document on stdout, the figures as data', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const run = spawnSync('pnpm', ['--silent', 'bench', '--json', '--dry-run', '--only', 'fidelity', '--clients', 'floor'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout) as { fidelity: Array<{ speed: number; result: { poems: number } }> };
    expect(figures.fidelity.map((row) => [row.speed, row.result.poems])).toEqual([
      [10, 3],
      [100, 3],
    ]);
  }, 120_000);
});
