// pnpm exercise, on a real stage's real exercise and as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { buildExercise, findExercise, findExercises } from '../src/index.js';

const launcher = fileURLToPath(new URL('../bin/slow-poetry-exercise.js', import.meta.url));
const run = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'exercise-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm exercise', () => {
  const [first] = findExercises();

  it('finds the exercises in the stages, each with the title its patch opens with', () => {
    expect(first).toBeDefined();
    expect(first!.title.length).toBeGreaterThan(0);
    expect(first!.patch).toContain('diff --git');
    expect(run(['--list']).stdout).toContain(first!.name);
  });

  it('applies a patch to a scratch copy and builds it there, leaving the stage as it was', () => {
    const stageFile = (file: string): string => readFileSync(join(first!.stage.dir, file), 'utf8');
    const before = stageFile('src/get-poetry.ts');
    const built = buildExercise(first!, scratch);
    const added = first!.patch
      .split('\n')
      .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
      .map((line) => line.slice(1).trim());
    const patched = readFileSync(join(built.dir, 'src', 'get-poetry.ts'), 'utf8');
    for (const line of added) expect(patched).toContain(line);
    expect(readFileSync(join(built.dir, 'dist', 'get-poetry.js'), 'utf8').length).toBeGreaterThan(0);
    expect(stageFile('src/get-poetry.ts')).toBe(before);
  }, 60_000);

  it('says in one line when a patch no longer applies', () => {
    const stale = { ...first!, patch: first!.patch.replaceAll('download.socket = socket;', 'download.socket = nothing;') };
    expect(() => buildExercise(stale, join(scratch, 'stale'))).toThrow(/^the patch .* does not apply to stage \d+ any more: /);
  }, 60_000);

  it('refuses an unknown stage or exercise in one line with exit status 2', () => {
    for (const args of [['99', 'x'], [String(first!.stage.stage), 'no-such-exercise'], [String(first!.stage.stage)]]) {
      const result = run(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^slow-poetry-exercise: .+\n$/);
    }
    expect(() => findExercise('99', 'x')).toThrow("there is no stage '99' (try --list)");
  });
});
