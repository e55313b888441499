// A new stage is a new folder. In a temporary copy of the workspace, this test
// does what the README's "Adding a stage" guide says — copy a stage's package,
// rename it and its slowPoetry field, `pnpm install` — and then checks that
// every tool has found it without a file outside the new folder being edited
// (but the lockfile): its command runs from the root, compare runs it, the bench
// and `pnpm exercise` list it, and `pnpm test` would build it and run its row of
// the fault matrix.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { benchClients } from '@slow-poetry/bench';
import type { Comparison } from '@slow-poetry/compare';
import { defaultPackagesDir, findStages } from '@slow-poetry/test-kit/stages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(defaultPackagesDir, '..');
const copy = mkdtempSync(join(tmpdir(), 'slow-poetry-new-stage-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The stage the new one is copied from: the first that runs on Node's event loop. */
const template = findStages().find((stage) => !stage.holdsThread && stage.problem === undefined)!;
const number = Math.max(...findStages().map((stage) => stage.stage)) + 1;
const folder = `${number}-echo`;
const bin = 'get-poetry-echo';

/** Every file of the copy outside the new stage, with its contents, to see what `pnpm install` changed. */
function snapshot(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(copy, path);
      if (['node_modules', 'dist', '.turbo', folder].includes(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(name, readFileSync(path, 'utf8'));
    }
  };
  walk(copy);
  return files;
}

let before: Map<string, string>;

beforeAll(() => {
  // The workspace as a clone has it: sources and the built packages (so that only the new stage needs building).
  const skip = new Set(['node_modules', '.turbo', '.git']);
  cpSync(root, copy, { recursive: true, filter: (source) => !skip.has(source.split('/').at(-1)!) });

  // 1. Copy a stage's folder under a new name.
  const from = template.dir.split('/').at(-1)!;
  const dir = join(copy, 'packages', folder);
  cpSync(join(copy, 'packages', from), dir, { recursive: true });
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  // 2. Rename it: the package, its command (the launcher's file too), and its slowPoetry field.
  renameSync(join(dir, 'bin', `${template.bin}.js`), join(dir, 'bin', `${bin}.js`));
  const rename = (text: string): string => text.replaceAll(template.bin, bin).replaceAll(template.name, `@slow-poetry/${folder}`);
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else writeFileSync(path, rename(readFileSync(path, 'utf8')));
    }
  };
  walk(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { slowPoetry: Record<string, unknown> };
  manifest.slowPoetry = { ...manifest.slowPoetry, stage: number, title: 'echo' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  before = snapshot();

  // 3. pnpm install, then build the new stage. The packages come from the store this
  // machine already has; the new package's dependency ranges must still be resolved,
  // which needs the registry's metadata: a clean machine that installed with
  // --frozen-lockfile has none cached (`--offline` failed there), so fetch what is missing.
  // The lockfile gains the new package: that is the one file outside its folder that changes.
  const pnpm = (args: string[]): void => {
    const run = spawnSync('pnpm', args, { cwd: copy, encoding: 'utf8' });
    if (run.status !== 0)
      throw new Error(`pnpm ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  };
  pnpm(['install', '--prefer-offline', '--no-frozen-lockfile', '--ignore-scripts']); // CI=true would freeze the lockfile
  pnpm(['--filter', `@slow-poetry/${folder}`, 'run', 'build']);
}, 120_000);

describe('a new stage made by copying a folder', () => {
  it('changes no file outside its own folder but the lockfile', () => {
    const after = snapshot();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));
    expect(changed).toEqual(['pnpm-lock.yaml']);
  });

  it('has its command at the root: pnpm exec runs it', () => {
    const run = spawnSync('pnpm', ['exec', bin, '--help'], { cwd: copy, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ${bin} \\[options\\] ADDRESS\\.\\.\\.`));
  });

  it('is found by every tool, in its place in the reading order', () => {
    const stages = findStages(join(copy, 'packages'));
    expect(stages.at(-1)).toMatchObject({ stage: number, title: 'echo', bin, built: true });
    expect(benchClients(stages).clients.map((client) => client.label)).toContain(`stage ${number} (echo)`);
  });

  it('is found by pnpm exercise, with the exercises it brought from the stage it was copied from', () => {
    const run = spawnSync('pnpm', ['exec', 'slow-poetry-exercise', '--list'], { cwd: copy, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const own = run.stdout.split('\n').filter((line) => line.startsWith(`${folder} `));
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBe(readdirSync(join(copy, 'packages', folder, 'exercises')).filter((f) => f.endsWith('.patch')).length);
  });

  it('is run by compare beside the others, its poems whole', () => {
    const compare = join(copy, 'packages', 'compare', 'bin', 'slow-poetry-compare.js');
    const run = spawnSync(
      process.execPath,
      [compare, '--packages', join(copy, 'packages'), '--stages', String(number), '--speed', '20', '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Comparison;
    expect(result.stages.map((stage) => [stage.stage, stage.title, stage.status, stage.ok])).toEqual([
      [number, 'echo', 'ran', true],
    ]);
  }, 30_000);

  it('is built and tested by pnpm test, its row of the fault matrix after its build', () => {
    expect(existsSync(join(copy, 'packages', folder, 'test', 'fault-matrix.test.ts'))).toBe(true);
    const dry = execFileSync(join(copy, 'node_modules', '.bin', 'turbo'), ['run', 'test', '--dry=json'], {
      cwd: copy,
      encoding: 'utf8',
    });
    const tasks = (JSON.parse(dry) as { tasks: Array<{ taskId: string; dependencies: string[] }> }).tasks;
    const test = tasks.find((task) => task.taskId === `@slow-poetry/${folder}#test`);
    expect(test?.dependencies).toEqual(
      expect.arrayContaining([`@slow-poetry/${folder}#build`, '@slow-poetry/fault-matrix#build', '@slow-poetry/test-kit#build']),
    );
  }, 30_000);
});
